package lab

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
)

// A diverging run may leave ±Inf or NaN anywhere in its state, which JSON
// cannot spell. Rather than fail the frame, such values are sent as null:
// the state is copied with each of them replaced by nonFinite, encoded,
// and nonFinite's text replaced by null. Finite frames never take this path.
// float32 fields get float32's own extreme, which JSON spells differently.
var (
	nonFinite       = -math.MaxFloat64
	nonFiniteText   = []byte("-1.7976931348623157e+308")
	nonFinite32     = -math.MaxFloat32
	nonFinite32Text = []byte("-3.4028235e+38")
	marshalerType   = reflect.TypeFor[json.Marshaler]()
)

// encodeFrame encodes f as one line of JSON, without HTML escaping: SVGs
// are full of < and >, and frames are never inlined in HTML. The panels
// are written by appendPlots (framejson.go), the rest by encoding/json.
func encodeFrame(f Frame) ([]byte, error) {
	h := frameHead{Type: f.Type, Step: f.Step, Done: f.Done, Note: f.Note, Caveat: f.Caveat, Metrics: f.Metrics, State: f.State}
	b, err := encodeJSON(h)
	if _, ok := err.(*json.UnsupportedValueError); ok {
		state, _ := finiteCopy(reflect.ValueOf(&h.State).Elem())
		h.State = state.Interface()
		if b, err = encodeJSON(h); err != nil {
			return nil, err
		}
		b = bytes.ReplaceAll(b, nonFiniteText, []byte("null"))
		b = bytes.ReplaceAll(b, nonFinite32Text, []byte("null"))
	} else if err != nil {
		return nil, err
	}
	tail, err := encodeJSON(frameTail{Viewports: f.Viewports, Rasters: f.Rasters})
	if err != nil {
		return nil, err
	}
	b = appendPlots(b[:len(b)-1], f.Plots) // b ends in the head's '}'
	if len(tail) > 2 {
		b = append(append(b, ','), tail[1:]...)
	} else {
		b = append(b, '}')
	}
	return b, nil
}

func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// finiteCopy returns v, or a copy of it with every non-finite float that
// JSON would encode replaced by nonFinite, and whether it replaced any.
// The original is never changed: it is the model's live state.
func finiteCopy(v reflect.Value) (reflect.Value, bool) {
	if !v.IsValid() || v.Type().Implements(marshalerType) {
		return v, false
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			c := reflect.New(v.Type()).Elem()
			if v.Kind() == reflect.Float32 {
				c.SetFloat(nonFinite32)
			} else {
				c.SetFloat(nonFinite)
			}
			return c, true
		}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return v, false
		}
		e, changed := finiteCopy(v.Elem())
		if !changed {
			return v, false
		}
		if v.Kind() == reflect.Interface {
			c := reflect.New(v.Type()).Elem()
			c.Set(e)
			return c, true
		}
		p := reflect.New(e.Type())
		p.Elem().Set(e)
		return p, true
	case reflect.Struct:
		var c reflect.Value
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue // JSON skips it; and it cannot be set
			}
			f, changed := finiteCopy(v.Field(i))
			if !changed {
				continue
			}
			if !c.IsValid() {
				c = reflect.New(v.Type()).Elem()
				c.Set(v)
			}
			c.Field(i).Set(f)
		}
		if c.IsValid() {
			return c, true
		}
	case reflect.Slice, reflect.Array:
		var c reflect.Value
		for i := range v.Len() {
			e, changed := finiteCopy(v.Index(i))
			if !changed {
				continue
			}
			if !c.IsValid() {
				if v.Kind() == reflect.Slice {
					c = reflect.MakeSlice(v.Type(), v.Len(), v.Len())
					reflect.Copy(c, v)
				} else {
					c = reflect.New(v.Type()).Elem()
					c.Set(v)
				}
			}
			c.Index(i).Set(e)
		}
		if c.IsValid() {
			return c, true
		}
	case reflect.Map:
		var c reflect.Value
		for it := v.MapRange(); it.Next(); {
			e, changed := finiteCopy(it.Value())
			if !changed {
				continue
			}
			if !c.IsValid() {
				c = reflect.MakeMapWithSize(v.Type(), v.Len())
				for it2 := v.MapRange(); it2.Next(); {
					c.SetMapIndex(it2.Key(), it2.Value())
				}
			}
			c.SetMapIndex(it.Key(), e)
		}
		if c.IsValid() {
			return c, true
		}
	}
	return v, false
}
