package lists

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
)

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
			return unError(name, dec, err)
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
		return unError(name, dec, err)
	}
	return nil
}
