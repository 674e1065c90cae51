// Package php reproduces, byte for byte, how PHP reads a request into
// variables and how it compares and measures them: parse_str and the POST
// and multipart readers (key mangling, [] appends, max_input_vars,
// max_input_nesting_level), json_decode, trim, is_numeric,
// FILTER_VALIDATE_INT, mb_strlen and loose comparison. The Laravel
// platforms read their input through it.
//
// Values are nil, bool, int64 (PHP int), float64 (PHP float), string
// (bytes, not necessarily UTF-8), *Array and *File.
package php

import (
	"math"
	"sort"
	"strconv"

	"github.com/fakebots/fakebots/emulator/jsonx"
)

// Array is PHP's ordered array: keys are ints or strings, in insertion
// order; a numeric string key ("5", "-3") is an int key, as PHP makes it.
// Like PHP's, an array whose keys are 0, 1, 2… in order is packed: it holds
// only its values, which keeps a long JSON list small.
type Array struct {
	list    []any   // the values while packed
	entries []entry // the pairs once not packed
	hashed  bool
	index   map[string]int // key → position, once a hashed array is large
	next    int64          // nNextFreeElement: the key [] appends at
	hasNext bool           // an int key was inserted: next is meaningful
	full    bool           // next would overflow: [] fails, as in PHP
}

type entry struct {
	key   string
	isInt bool
	val   any
}

// indexFrom is the size from which lookups go through a map.
const indexFrom = 16

// NewArray returns an empty array.
func NewArray() *Array { return &Array{} }

// Len is count($a); a nil array is empty.
func (a *Array) Len() int {
	switch {
	case a == nil:
		return 0
	case a.hashed:
		return len(a.entries)
	}
	return len(a.list)
}

// Key is the key at position i and whether it is an int key.
func (a *Array) Key(i int) (string, bool) {
	if !a.hashed {
		return strconv.Itoa(i), true
	}
	return a.entries[i].key, a.entries[i].isInt
}

// Value is the value at position i.
func (a *Array) Value(i int) any {
	if !a.hashed {
		return a.list[i]
	}
	return a.entries[i].val
}

// SetValue replaces the value at position i.
func (a *Array) SetValue(i int, v any) {
	if !a.hashed {
		a.list[i] = v
		return
	}
	a.entries[i].val = v
}

// Keys lists the keys in order (int keys in decimal).
func (a *Array) Keys() []string {
	keys := make([]string, a.Len())
	for i := range keys {
		keys[i], _ = a.Key(i)
	}
	return keys
}

// Get is $a[$key] for a key given as PHP would write it in a string: a
// numeric string finds the int key.
func (a *Array) Get(key string) (any, bool) {
	if a == nil {
		return nil, false
	}
	if i := a.find(key); i >= 0 {
		return a.Value(i), true
	}
	return nil, false
}

func (a *Array) find(key string) int {
	if !a.hashed {
		if n, isInt := IntKey(key); isInt && n >= 0 && n < int64(len(a.list)) {
			return int(n)
		}
		return -1
	}
	if a.index != nil {
		if i, ok := a.index[key]; ok {
			return i
		}
		return -1
	}
	for i := range a.entries {
		if a.entries[i].key == key {
			return i
		}
	}
	return -1
}

// Field is $a[$key] ?? null, also on a nil array.
func (a *Array) Field(key string) any {
	v, _ := a.Get(key)
	return v
}

// Values lists the values in order (array_values).
func (a *Array) Values() []any {
	out := make([]any, a.Len())
	for i := range out {
		out[i] = a.Value(i)
	}
	return out
}

// Set is $a[$key] = $v: an existing key keeps its position.
func (a *Array) Set(key string, v any) {
	if i := a.find(key); i >= 0 {
		a.SetValue(i, v)
		return
	}
	n, isInt := IntKey(key)
	a.insert(key, isInt, n, v)
}

// Slot returns the position of key, inserting null there when missing.
func (a *Array) Slot(key string) int {
	if i := a.find(key); i >= 0 {
		return i
	}
	n, isInt := IntKey(key)
	a.insert(key, isInt, n, nil)
	return a.Len() - 1
}

// Append is $a[] = $v. It fails, as in PHP, when the next key would
// overflow an int.
func (a *Array) Append(v any) bool {
	if !a.hashed && int64(len(a.list)) == a.NextIndex() {
		if len(a.list) == cap(a.list) {
			// Doubling, where append grows large slices by a quarter: a long
			// list then allocates at most twice its final size.
			grown := make([]any, len(a.list), max(4, 2*cap(a.list)))
			copy(grown, a.list)
			a.list = grown
		}
		a.list = append(a.list, v)
		a.hasNext, a.next = true, int64(len(a.list))
		return true
	}
	n := a.NextIndex()
	if a.full {
		return false
	}
	a.insert(strconv.FormatInt(n, 10), true, n, v)
	return true
}

// NextIndex is the key Append would use.
func (a *Array) NextIndex() int64 {
	if !a.hasNext {
		return 0
	}
	return a.next
}

func (a *Array) insert(key string, isInt bool, n int64, v any) {
	if !a.hashed {
		if isInt && n == int64(len(a.list)) && n == a.NextIndex() {
			a.list = append(a.list, v)
			a.hasNext, a.next = true, n+1
			return
		}
		a.unpack()
	}
	if isInt && (!a.hasNext || n >= a.next) {
		a.hasNext = true
		if n == math.MaxInt64 {
			a.next, a.full = n, true
		} else {
			a.next = n + 1
		}
	}
	a.entries = append(a.entries, entry{key: key, isInt: isInt, val: v})
	if a.index != nil {
		a.index[key] = len(a.entries) - 1
	} else if len(a.entries) == indexFrom {
		a.index = make(map[string]int, 2*indexFrom)
		for i, e := range a.entries {
			a.index[e.key] = i
		}
	}
}

// unpack turns a packed array into pairs, before a key out of sequence.
func (a *Array) unpack() {
	a.entries = make([]entry, len(a.list), len(a.list)+1)
	for i, v := range a.list {
		a.entries[i] = entry{key: strconv.Itoa(i), isInt: true, val: v}
	}
	a.list, a.hashed = nil, true
	if len(a.entries) >= indexFrom {
		a.index = make(map[string]int, len(a.entries))
		for i, e := range a.entries {
			a.index[e.key] = i
		}
	}
}

// Clone is a shallow copy, as PHP's copy on write of an array.
func (a *Array) Clone() *Array {
	c := *a
	c.list = append([]any(nil), a.list...)
	c.entries = append([]entry(nil), a.entries...)
	if a.index != nil {
		c.index = make(map[string]int, len(a.index))
		for k, v := range a.index {
			c.index[k] = v
		}
	}
	return &c
}

// Delete is unset($a[$key]); the next append key does not go back.
func (a *Array) Delete(key string) {
	i := a.find(key)
	if i < 0 {
		return
	}
	if !a.hashed {
		a.unpack()
	}
	a.entries = append(a.entries[:i], a.entries[i+1:]...)
	if a.index != nil {
		delete(a.index, key)
		for j := i; j < len(a.entries); j++ {
			a.index[a.entries[j].key] = j
		}
	}
}

// IsList reports whether the keys are 0, 1, 2… in order: json_encode
// writes such an array as a JSON array.
func (a *Array) IsList() bool {
	if !a.hashed {
		return true
	}
	for i, e := range a.entries {
		if !e.isInt || e.key != strconv.Itoa(i) {
			return false
		}
	}
	return true
}

// IntKey reports whether PHP turns the string key s into an int key (a
// decimal integer in canonical form that fits in an int), and which.
func IntKey(s string) (int64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	digits := s
	if s[0] == '-' {
		digits = s[1:]
	}
	if digits == "" || (digits[0] == '0' && len(s) > 1) {
		return 0, false // leading zeros, "-0"
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// File is an uploaded file as Laravel's UploadedFile shows it.
type File struct {
	Name  string
	Size  int64
	Error int // PHP's UPLOAD_ERR_*: 0 when the upload is valid
}

// FromGo reads a plain Go value as the PHP value json_decode would give
// for its JSON: maps (keys sorted) and slices become arrays, whole float64
// values stay floats. PHP values pass through.
func FromGo(v any) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		a := NewArray()
		for _, k := range keys {
			a.Set(k, FromGo(x[k]))
		}
		return a
	case []any:
		a := NewArray()
		for _, e := range x {
			a.Append(FromGo(e))
		}
		return a
	case int:
		return int64(x)
	}
	return v
}

// MarshalJSON lets encoding/json (and anything built on it, such as a
// cache key made of the input) see the array's contents, which are
// otherwise unexported; slashes are not escaped.
func (a *Array) MarshalJSON() ([]byte, error) { return jsonx.Marshal(a, false) }

// AppendJSON writes the array as json_encode does: a list as a JSON array,
// anything else as an object in key order.
func (a *Array) AppendJSON(dst []byte, w jsonx.Writer) ([]byte, error) {
	list := a.IsList()
	open, end := byte('{'), byte('}')
	if list {
		open, end = '[', ']'
	}
	dst = append(dst, open)
	for i := 0; i < a.Len(); i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		if !list {
			dst = w.String(dst, a.entries[i].key)
			dst = append(dst, ':')
		}
		var err error
		if dst, err = w.Value(dst, a.Value(i)); err != nil {
			return nil, err
		}
	}
	return append(dst, end), nil
}
