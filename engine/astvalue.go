package engine

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// valueEncoder turns Go values into OPA ast values the way encoding/json
// would encode them (same field names, omitempty/omitzero, nil slices as
// null), without the JSON text round trip that ast.InterfaceToValue makes:
// building the policy input is on the hot path of every screen.
type valueEncoder struct {
	fields sync.Map // reflect.Type -> []fieldInfo
}

type fieldInfo struct {
	index     int
	name      *ast.Term
	omitEmpty bool
	omitZero  bool
}

var jsonMarshaler = reflect.TypeFor[json.Marshaler]()

func (enc *valueEncoder) encode(v any) (ast.Value, error) {
	t, err := enc.term(reflect.ValueOf(v))
	if err != nil {
		return nil, err
	}
	return t.Value, nil
}

func (enc *valueEncoder) structFields(t reflect.Type) []fieldInfo {
	if fi, ok := enc.fields.Load(t); ok {
		return fi.([]fieldInfo)
	}
	var out []fieldInfo
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Anonymous {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		out = append(out, fieldInfo{
			index:     i,
			name:      ast.StringTerm(name),
			omitEmpty: strings.Contains(","+opts+",", ",omitempty,"),
			omitZero:  strings.Contains(","+opts+",", ",omitzero,"),
		})
	}
	enc.fields.Store(t, out)
	return out
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

func (enc *valueEncoder) term(v reflect.Value) (*ast.Term, error) {
	if !v.IsValid() {
		return ast.NullTerm(), nil
	}
	if v.Type().Implements(jsonMarshaler) && !(v.Kind() == reflect.Pointer && v.IsNil()) {
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return nil, err
		}
		val, err := ast.ValueFromReader(strings.NewReader(string(b)))
		if err != nil {
			return nil, err
		}
		return ast.NewTerm(val), nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		return enc.term(v.Elem())
	case reflect.String:
		return ast.StringTerm(v.String()), nil
	case reflect.Bool:
		return ast.BooleanTerm(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ast.IntNumberTerm(int(v.Int())), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return ast.UIntNumberTerm(v.Uint()), nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		return ast.NumberTerm(json.Number(strconv.FormatFloat(f, 'g', -1, 64))), nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return ast.NullTerm(), nil
		}
		terms := make([]*ast.Term, v.Len())
		for i := range terms {
			t, err := enc.term(v.Index(i))
			if err != nil {
				return nil, err
			}
			terms[i] = t
		}
		return ast.ArrayTerm(terms...), nil
	case reflect.Map:
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		if v.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("policy input: map key type %s", v.Type().Key())
		}
		pairs := make([][2]*ast.Term, 0, v.Len())
		it := v.MapRange()
		for it.Next() {
			t, err := enc.term(it.Value())
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, [2]*ast.Term{ast.StringTerm(it.Key().String()), t})
		}
		return ast.ObjectTerm(pairs...), nil
	case reflect.Struct:
		fs := enc.structFields(v.Type())
		pairs := make([][2]*ast.Term, 0, len(fs))
		for _, f := range fs {
			fv := v.Field(f.index)
			if (f.omitEmpty && isEmpty(fv)) || (f.omitZero && fv.IsZero()) {
				continue
			}
			t, err := enc.term(fv)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, [2]*ast.Term{f.name, t})
		}
		return ast.ObjectTerm(pairs...), nil
	}
	return nil, fmt.Errorf("policy input: cannot encode %s", v.Type())
}
