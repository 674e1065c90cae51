package laravel

import (
	"regexp"
	"strings"
	"sync"

	"github.com/fakebots/fakebots/emulator/php"
)

// expandWildcard lists the attributes a rule on "fields.*.name" applies to,
// as ValidationRuleParser::explodeWildcardRules finds them: the data under
// the explicit path, with the attribute initialised to null in every
// element (data_set), flattened to dotted keys (Arr::dot), plus the
// prefixes of those keys that match the attribute (the values gathered for
// wildcards), kept when they match the whole attribute. The flattening
// stops at the attribute's depth: deeper keys can only contribute their
// prefix, so the walk is bounded by the rule, not by the input.
func expandWildcard(attr string, data *php.Array) []string {
	segs := strings.Split(attr, ".")
	explicit := strings.TrimRight(strings.SplitN(attr, "*", 2)[0], ".")
	var root any
	if explicit == "" {
		root = data
	} else if v, ok := arrGet(data, explicit); ok {
		root = nested(strings.Split(explicit, "."), v)
	} else {
		root = php.NewArray()
	}
	if !strings.HasSuffix(attr, "*") {
		root = dataSet(root, segs)
	}

	whole, prefix := wildcardPatterns(attr)

	var keys, gathered []string
	inKeys := map[string]bool{}
	dotKeys(root, "", len(segs), func(key string, leaf bool) {
		if leaf {
			keys = append(keys, key)
			inKeys[key] = true
		}
		if m := prefix.FindString(key); m != "" {
			gathered = append(gathered, m)
		}
	})
	for _, g := range gathered {
		if !inKeys[g] { // array_unique, after the dotted keys
			keys = append(keys, g)
			inKeys[g] = true
		}
	}
	var out []string
	for _, k := range keys {
		if strings.HasPrefix(k, attr) || whole.MatchString(k) {
			out = append(out, k)
		}
	}
	return out
}

type patterns struct{ whole, prefix *regexp.Regexp }

// compiled caches the patterns of the specs' wildcard attributes.
var compiled sync.Map // attribute → patterns

// wildcardPatterns are explodeWildcardRules' pattern ("*" is any key,
// anchored at both ends) and extractValuesForWildcards' ("*" a non-empty
// key, a prefix).
func wildcardPatterns(attr string) (whole, prefix *regexp.Regexp) {
	if p, ok := compiled.Load(attr); ok {
		return p.(patterns).whole, p.(patterns).prefix
	}
	quoted := regexp.QuoteMeta(attr)
	p := patterns{
		whole:  regexp.MustCompile(`^` + strings.ReplaceAll(quoted, `\*`, `[^.]*`) + `\z`),
		prefix: regexp.MustCompile(`^` + strings.ReplaceAll(quoted, `\*`, `[^.]+`)),
	}
	compiled.Store(attr, p)
	return p.whole, p.prefix
}

// dotKeys is Arr::dot's walk, in order, down to depth segments: a leaf (a
// scalar or an empty array) is reported as a key; a non-empty array at the
// last depth stands for the deeper keys it holds, which only matter through
// this prefix.
func dotKeys(v any, prefix string, depth int, emit func(key string, leaf bool)) {
	a, ok := v.(*php.Array)
	if !ok {
		return
	}
	for i := 0; i < a.Len(); i++ {
		k, _ := a.Key(i)
		key := prefix + k
		sub, isArr := a.Value(i).(*php.Array)
		switch {
		case !isArr || sub.Len() == 0:
			emit(key, true)
		case depth <= 1:
			emit(key, false)
		default:
			dotKeys(sub, key+".", depth-1, emit)
		}
	}
}

// nested is Arr::set on an empty array: v under the path's keys.
func nested(path []string, v any) *php.Array {
	a := php.NewArray()
	if len(path) == 1 {
		a.Set(path[0], v)
	} else {
		a.Set(path[0], nested(path[1:], v))
	}
	return a
}

// dataSet is data_set($target, $segments, null, true) without touching the
// input: arrays on the path are copied. It is only used for attributes
// that do not end with "*".
func dataSet(target any, segs []string) any {
	if _, isObject := target.(*php.File); isObject {
		return target // data_set sets a property on an object: Arr::dot sees a leaf
	}
	seg, rest := segs[0], segs[1:]
	arr, accessible := target.(*php.Array)
	if seg == "*" {
		if accessible {
			arr = arr.Clone()
		} else {
			arr = php.NewArray()
		}
		for i := 0; i < arr.Len(); i++ {
			arr.SetValue(i, dataSet(arr.Value(i), rest)) // never the last segment: see expandWildcard
		}
		return arr
	}
	if accessible {
		arr = arr.Clone()
	} else {
		arr = php.NewArray()
	}
	if len(rest) == 0 {
		arr.Set(seg, nil)
		return arr
	}
	cur, _ := arr.Get(seg) // nil when absent, which dataSet makes an array
	arr.Set(seg, dataSet(cur, rest))
	return arr
}
