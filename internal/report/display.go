package report

import (
	"encoding/json"
	"reflect"

	"github.com/mcpdoctor/mcpdoctor/internal/printable"
)

// forDisplay returns a deep copy of v (a view: structs, pointers, slices,
// maps and strings) in which every string is printable, as a line unless
// its field is tagged `display:"block"`. Every string is covered, whatever
// field a later change adds, because nothing is listed by hand.
func forDisplay[T any](v T) T {
	out := printableValue(reflect.ValueOf(v), false)
	return out.Interface().(T)
}

var rawMessageType = reflect.TypeOf(json.RawMessage(nil))

func printableValue(v reflect.Value, block bool) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		out := reflect.New(v.Type()).Elem()
		out.SetString(printable.Text(v.String(), block))
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(printableValue(v.Elem(), block))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v) // unexported fields travel as they are
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			out.Field(i).Set(printableValue(v.Field(i), f.Tag.Get("display") == "block"))
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		if v.Type() == rawMessageType {
			// A JSON value (a tool's result) is shown as its text, a block.
			return reflect.ValueOf(json.RawMessage(printable.Text(string(v.Bytes()), true)))
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(printableValue(v.Index(i), block))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			out.SetMapIndex(printableValue(iter.Key(), false), printableValue(iter.Value(), block))
		}
		return out
	}
	return v
}
