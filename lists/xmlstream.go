package lists

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/screen-compliance/screen/entity"
)

// xmlList describes an XML list whose designations are record elements
// read one at a time (the UN, EU and UK lists): streamXML reads it.
type xmlList struct {
	// meta is the list's name and title.
	meta entity.Metadata
	// root is the element every file of the format has; a file without it
	// is refused as notList ("not a UN consolidated list").
	root, notList string
	// versionAttr is the attribute of root that holds the publication
	// date (UN, EU); versionElems are elements that hold it (UK). version
	// turns its text into the list version ("" leaves the version unset).
	versionAttr  string
	versionElems []string
	version      func(string) string
	// records are the record elements: each is decoded whole into a
	// record (see xmlRecord) and converted into one entity.
	records []string
}

// xmlRecord is one record element of an xmlList, decoded whole; entity
// converts it, elem being the element's name (INDIVIDUAL or ENTITY).
type xmlRecord interface {
	entity(elem string) (entity.Entity, error)
}

// streamXML reads an XML list described by spec from r, streaming one
// record element at a time into a new T, converting it and appending the
// entity; ctx is checked between tokens. name is used in errors: a
// malformed or truncated file names the line and byte offset where the
// decoder stopped, a record that does not convert names the line and
// offset where its element starts and the element.
func streamXML[T any, R interface {
	*T
	xmlRecord
}](ctx context.Context, r io.Reader, name string, spec xmlList) (*entity.List, error) {
	l := &entity.List{Meta: spec.meta}
	setVersion := func(s string) {
		if v := spec.version(s); v != "" {
			l.Meta.Version = v
		}
	}
	sawRoot := false
	err := walkXML(ctx, r, name, func(dec *xml.Decoder, tok xml.Token) error {
		se, ok := tok.(xml.StartElement)
		if !ok {
			return nil
		}
		switch elem := se.Name.Local; {
		case elem == spec.root:
			sawRoot = true
			for _, a := range se.Attr {
				if spec.versionAttr != "" && a.Name.Local == spec.versionAttr {
					setVersion(a.Value)
				}
			}
		case slices.Contains(spec.versionElems, elem):
			var s string
			if err := decodeElement(dec, &se, &s, name); err != nil {
				return err
			}
			setVersion(s)
		case slices.Contains(spec.records, elem):
			line, _ := dec.InputPos()
			off := dec.InputOffset()
			rec := R(new(T))
			if err := decodeElement(dec, &se, rec, name); err != nil {
				return err
			}
			e, err := rec.entity(elem)
			if err != nil {
				return fmt.Errorf("parse %s: line %d (offset %d): %s: %w", name, line, off, elem, err)
			}
			l.Entities = append(l.Entities, e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !sawRoot {
		return nil, fmt.Errorf("parse %s: no %s element: %s", name, spec.root, spec.notList)
	}
	return l, nil
}

// walkXML streams the tokens of an XML list file to fn, checking ctx between
// tokens. fn may decode a whole element with dec.DecodeElement. Decoder
// errors (a truncated or malformed file) are wrapped with the file name,
// line and offset; errors from fn are returned as they are.
func walkXML(ctx context.Context, r io.Reader, name string, fn func(dec *xml.Decoder, tok xml.Token) error) error {
	dec := xml.NewDecoder(r)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return xmlError(name, dec, err)
		}
		if err := fn(dec, tok); err != nil {
			return err
		}
	}
}

// decodeElement decodes the element se into v, wrapping a decoder error with
// the file name, line and offset.
func decodeElement(dec *xml.Decoder, se *xml.StartElement, v any, name string) error {
	if err := dec.DecodeElement(v, se); err != nil {
		return xmlError(name, dec, err)
	}
	return nil
}

// xmlError wraps a decoder error with the file name, line and offset. A
// truncated file surfaces as io.ErrUnexpectedEOF or a syntax error.
func xmlError(name string, dec *xml.Decoder, err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("parse %s: line %d (offset %d): %w", name, se.Line, dec.InputOffset(), err)
	}
	line, _ := dec.InputPos()
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("parse %s: line %d (offset %d): %w", name, line, dec.InputOffset(), err)
}
