package php_test

import (
	"encoding/json"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/php"
)

// TestArrayAppendAfterStringKey pins $a["a"] = 1; $a[] = "x": the append
// takes key 0 after a string key (parse_str "a[a]=1&a[]=x").
func TestArrayAppendAfterStringKey(t *testing.T) {
	a := php.NewArray()
	a.Set("a", "1")
	require.True(t, a.Append("x"))
	require.Equal(t, `{"a":"1","0":"x"}`, encode(t, a))
	require.Equal(t, 2, a.Len())
}

// TestArrayAppendKeepsEveryValue pins a long run of appends: every value
// stays in place, in order, while the list grows.
func TestArrayAppendKeepsEveryValue(t *testing.T) {
	a := php.NewArray()
	for i := 0; i < 40; i++ {
		require.True(t, a.Append(int64(i)))
	}
	require.Equal(t, 40, a.Len())
	for i := 0; i < 40; i++ {
		require.Equal(t, int64(i), a.Value(i), "value %d", i)
	}
	require.Equal(t, int64(40), a.NextIndex())
	require.True(t, a.IsList())
}

// TestArrayAppendAfterIntKeys pins the append key after explicit int keys
// (parse_str "a[0]=a&a[1]=b&a[]=c", "a[a]=1&a[0]=p&a[1]=q&a[]=z" and
// "a[5]=1&a[3]=2&a[]=3"): one past the largest int key so far.
func TestArrayAppendAfterIntKeys(t *testing.T) {
	first := php.NewArray()
	first.Set("0", "a")
	require.True(t, first.Append("b"))
	require.Equal(t, `["a","b"]`, encode(t, first))

	packed := php.NewArray()
	packed.Set("0", "a")
	packed.Set("1", "b")
	require.True(t, packed.Append("c"))
	require.Equal(t, `["a","b","c"]`, encode(t, packed))

	hashed := php.NewArray()
	hashed.Set("a", "1")
	hashed.Set("0", "p")
	hashed.Set("1", "q")
	require.True(t, hashed.Append("z"))
	require.Equal(t, `{"a":"1","0":"p","1":"q","2":"z"}`, encode(t, hashed))
	require.Equal(t, []string{"a", "0", "1", "2"}, hashed.Keys())

	lower := php.NewArray()
	lower.Set("5", "1")
	lower.Set("3", "2")
	require.True(t, lower.Append("3"))
	require.Equal(t, `{"5":"1","3":"2","6":"3"}`, encode(t, lower))
}

// TestArrayAppendAtIntMax pins an array whose largest key is PHP_INT_MAX:
// [] fails and adds nothing (parse_str
// "a[9223372036854775807]=1&a[x]=2&a[]=3"), while PHP_INT_MIN is followed
// by PHP_INT_MIN+1.
func TestArrayAppendAtIntMax(t *testing.T) {
	a := php.NewArray()
	a.Set("9223372036854775807", "1")
	a.Set("x", "2")
	require.False(t, a.Append("3"))
	require.Equal(t, `{"9223372036854775807":"1","x":"2"}`, encode(t, a))

	b := php.NewArray()
	b.Set("-9223372036854775808", "1")
	require.True(t, b.Append("2"))
	require.Equal(t, []string{"-9223372036854775808", "-9223372036854775807"}, b.Keys())
}

// TestArrayLargeLookups pins lookups in an array large enough to be
// indexed: every key finds its own value, before and after removals, and
// the next append key does not go back.
func TestArrayLargeLookups(t *testing.T) {
	a := php.NewArray()
	for i := 0; i < 24; i++ {
		a.Set("k"+strconv.Itoa(i), int64(i))
	}
	for i := 0; i < 24; i++ {
		require.Equal(t, int64(i), a.Field("k"+strconv.Itoa(i)), "k%d", i)
	}
	a.Delete("k3")
	a.Delete("k10")
	a.Delete("missing")
	require.Equal(t, 22, a.Len())
	_, ok := a.Get("k3")
	require.False(t, ok)
	for i := 0; i < 24; i++ {
		if i == 3 || i == 10 {
			continue
		}
		require.Equal(t, int64(i), a.Field("k"+strconv.Itoa(i)), "k%d after deletes", i)
	}
	a.Set("k5", "five")
	require.Equal(t, "five", a.Value(4), "k5 kept its place, fifth after k3 went")
}

// TestArrayDeleteSmall pins unset() in a small array: the others keep
// their order and values; unset($c[2]) then $c[] = 4 gives key 3.
func TestArrayDeleteSmall(t *testing.T) {
	a := php.NewArray()
	a.Set("a", "1")
	a.Set("b", "2")
	a.Set("c", "3")
	a.Delete("b")
	require.Equal(t, []string{"a", "c"}, a.Keys())
	require.Equal(t, "3", a.Field("c"))
	require.Nil(t, a.Field("b"))

	list := php.NewArray()
	for _, v := range []int64{1, 2, 3} {
		list.Append(v)
	}
	list.Delete("2")
	require.True(t, list.Append(int64(4)))
	require.Equal(t, `{"0":1,"1":2,"3":4}`, encode(t, list))
	require.False(t, list.IsList())
}

// TestArrayDeletePackedLarge pins unset() of an element of a long list:
// later elements stay reachable by their own keys.
func TestArrayDeletePackedLarge(t *testing.T) {
	a := php.NewArray()
	for i := 0; i < 20; i++ {
		a.Append("v" + strconv.Itoa(i))
	}
	a.Delete("5")
	require.Equal(t, 19, a.Len())
	for i := 0; i < 20; i++ {
		v, ok := a.Get(strconv.Itoa(i))
		if i == 5 {
			require.False(t, ok)
			continue
		}
		require.True(t, ok, "%d", i)
		require.Equal(t, "v"+strconv.Itoa(i), v, "%d", i)
	}
	a.Set("30", "x")
	require.Equal(t, "x", a.Field("30"))
}

// TestArrayIsListAfterUnset pins json_encode of ["a" => 1] after
// unset($a["a"]) and $a[] = "x": the keys are 0 alone again, a JSON list.
func TestArrayIsListAfterUnset(t *testing.T) {
	a := php.NewArray()
	a.Set("a", "1")
	a.Delete("a")
	require.True(t, a.Append("x"))
	require.True(t, a.IsList())
	require.Equal(t, `["x"]`, encode(t, a))
}

// TestArrayClone pins Clone as copy on write: changing the copy, even a
// large indexed one, leaves the original as it was, and the copy finds its
// own keys.
func TestArrayClone(t *testing.T) {
	a := php.NewArray()
	for i := 0; i < 20; i++ {
		a.Set("k"+strconv.Itoa(i), int64(i))
	}
	c := a.Clone()
	c.Delete("k0")
	c.Set("k1", "one")
	c.Set("new", "n")
	require.Equal(t, 20, a.Len())
	require.Equal(t, int64(0), a.Field("k0"))
	require.Equal(t, int64(1), a.Field("k1"))
	require.Nil(t, a.Field("new"))
	require.Equal(t, 20, c.Len())
	require.Equal(t, "one", c.Field("k1"))
	require.Equal(t, int64(19), c.Field("k19"))
	require.Equal(t, "n", c.Field("new"))

	small := php.NewArray()
	small.Set("a", "1")
	small.Set("b", "2")
	sc := small.Clone()
	sc.Set("c", "3")
	require.Equal(t, "2", sc.Field("b"))
	require.Equal(t, "3", sc.Field("c"))
	require.Equal(t, 2, small.Len())

	list := php.NewArray()
	list.Append("x")
	lc := list.Clone()
	lc.SetValue(0, "y")
	require.Equal(t, "x", list.Value(0))
	require.Equal(t, "y", lc.Value(0))
}

// TestIntKey pins which string keys PHP makes int keys (array_keys of
// such a literal in PHP 8.2): canonical decimals that fit an int.
func TestIntKey(t *testing.T) {
	ints := map[string]int64{
		"0": 0, "9": 9, "10": 10, "-1": -1, "1234567890": 1234567890,
		"9223372036854775807": 9223372036854775807, "-9223372036854775808": -9223372036854775808,
	}
	for s, want := range ints {
		n, ok := php.IntKey(s)
		require.True(t, ok, "%q", s)
		require.Equal(t, want, n, "%q", s)
	}
	for _, s := range []string{"", "-", "-0", "00", "09", "+1", " 1", "1 ", "1a", "a", "9223372036854775808",
		"-9223372036854775809", "123456789012345678901", "1.0", "/", ":"} {
		_, ok := php.IntKey(s)
		require.False(t, ok, "%q", s)
	}
}

// TestArrayNilAndPositions pins the accessors: a nil array is empty, Key
// and Value by position, Slot inserting null for a missing key.
func TestArrayNilAndPositions(t *testing.T) {
	var none *php.Array
	require.Equal(t, 0, none.Len())
	require.Nil(t, none.Field("a"))

	a := php.NewArray()
	a.Append("x")
	k, isInt := a.Key(0)
	require.Equal(t, "0", k)
	require.True(t, isInt)
	require.Equal(t, 1, a.Slot("b"))
	require.Equal(t, 0, a.Slot("0"))
	k, isInt = a.Key(1)
	require.Equal(t, "b", k)
	require.False(t, isInt)
	v, ok := a.Get("b")
	require.True(t, ok)
	require.Nil(t, v)
	require.Equal(t, []any{"x", nil}, a.Values())
}

// TestFromGo pins how a plain Go value becomes a PHP value: map keys in
// sorted order (numeric ones as int keys), slices as lists, ints as int64,
// PHP values passed through.
func TestFromGo(t *testing.T) {
	v := php.FromGo(map[string]any{"b": []any{1, "x", map[string]any{"z": true, "y": nil}}, "a": 1.5, "10": "t", "c": int64(7)})
	require.Equal(t, `{"10":"t","a":1.5,"b":[1,"x",{"y":null,"z":true}],"c":7}`, encode(t, v))
	k, isInt := v.(*php.Array).Key(0)
	require.Equal(t, "10", k)
	require.True(t, isInt)
	require.Equal(t, int64(1), v.(*php.Array).Field("b").(*php.Array).Value(0))
	arr := php.NewArray()
	require.Same(t, arr, php.FromGo(arr))
}

// TestArrayJSONRefusesInfinity pins json_encode's refusal of INF and NAN
// inside an array, nested too: the error comes out, not a partial text.
func TestArrayJSONRefusesInfinity(t *testing.T) {
	inner := php.NewArray()
	inner.Set("x", math.Inf(1))
	outer := php.NewArray()
	outer.Append(int64(1))
	outer.Append(inner)
	out, err := jsonx.Marshal(outer, false)
	require.Error(t, err)
	require.Nil(t, out)
	_, err = json.Marshal(map[string]any{"a": outer})
	require.Error(t, err)
}
