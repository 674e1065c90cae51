package laravel_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/platform"
)

// rules parses "field" → "rule|rule" pairs given in order.
func rules(t *testing.T, pairs ...string) laravel.Rules {
	t.Helper()
	require.Zero(t, len(pairs)%2)
	var raw []map[string]string
	for i := 0; i < len(pairs); i += 2 {
		raw = append(raw, map[string]string{pairs[i]: pairs[i+1]})
	}
	r, err := laravel.ParseRules(raw)
	require.NoError(t, err)
	return r
}

// errs is the expected error object of one field.
func errs(field string, msgs ...string) jsonx.Object {
	return jsonx.Object{{Key: field, Value: msgs}}
}

// Messages, with :attribute filled in, as laravel-lang's ru/validation.php has them.
const (
	msgRequired = "Поле x обязательно для заполнения."
	msgInteger  = "Поле x должно быть целым числом."
	msgNumeric  = "Поле x должно быть числом."
	msgString   = "Поле x должно быть строкой."
	msgBoolean  = "Поле x должно иметь значение логического типа."
	msgArray    = "Поле x должно быть массивом."
	msgIn       = "Выбранное значение для x ошибочно."
	msgEmail    = "Поле x должно быть действительным электронным адресом."
	msgURL      = "Поле x имеет ошибочный формат."
	msgJSON     = "Поле x должно быть JSON строкой."
)

func TestValidateSingleField(t *testing.T) {
	absent := struct{}{} // marks a field left out of the input
	tests := []struct {
		name  string
		rule  string
		value any
		want  []string // messages for x; nil when valid
	}{
		// required, and Laravel's notion of empty.
		{"required: absent", "required", absent, []string{msgRequired}},
		{"required: empty string", "required", "", []string{msgRequired}},
		{"required: blank string", "required", " \t ", []string{msgRequired}},
		{"required: null", "required", nil, []string{msgRequired}},
		{"required: empty array", "required", []any{}, []string{msgRequired}},
		{"required: empty object", "required", map[string]any{}, []string{msgRequired}},
		{"required: text", "required", "a", nil},
		{"required: zero", "required", float64(0), nil},
		{"required: false", "required", false, nil},
		{"required: string zero", "required", "0", nil},

		// An implicit rule that fails stops the field.
		{"implicit failure stops the field", "required|integer|min:5", absent, []string{msgRequired}},
		{"implicit failure on null stops the field", "required|string|max:1", nil, []string{msgRequired}},

		// Non-implicit rules skip absent and blank values ...
		{"absent skips", "integer|min:5|email", absent, nil},
		{"empty string skips", "integer|min:5|email", "", nil},
		{"blank string skips", "integer|string|array", "   ", nil},
		// ... but run on null unless the field is nullable.
		{"null runs rules", "integer", nil, []string{msgInteger}},
		{"null runs every rule", "string|array", nil, []string{msgString, msgArray}},
		{"nullable excuses null", "nullable|integer", nil, nil},
		{"nullable anywhere excuses null", "integer|nullable", nil, nil},
		{"nullable does not excuse a wrong value", "nullable|integer", "a", []string{msgInteger}},
		{"sometimes alone does nothing", "sometimes|integer", absent, nil},

		// integer is PHP's FILTER_VALIDATE_INT.
		{"integer: text", "integer", "12", nil},
		{"integer: number", "integer", float64(12), nil},
		{"integer: negative text", "integer", "-3", nil},
		{"integer: plus sign", "integer", "+3", nil},
		{"integer: zero text", "integer", "0", nil},
		{"integer: spaces trimmed", "integer", " 12 ", nil},
		{"integer: true is 1", "integer", true, nil},
		{"integer: minus zero", "integer", "-0", nil},
		{"integer: plus zero", "integer", "+0", nil},
		{"integer: minus zero with a digit", "integer", "-01", []string{msgInteger}},
		{"integer: double zero", "integer", "00", []string{msgInteger}},
		{"integer: lone sign", "integer", "-", []string{msgInteger}},
		{"integer: fraction text", "integer", "1.5", []string{msgInteger}},
		{"integer: fraction", "integer", 1.5, []string{msgInteger}},
		{"integer: leading zero", "integer", "012", []string{msgInteger}},
		{"integer: negative leading zero", "integer", "-012", []string{msgInteger}},
		{"integer: exponent text", "integer", "1e3", []string{msgInteger}},
		{"integer: word", "integer", "abc", []string{msgInteger}},
		{"integer: too large", "integer", "9223372036854775808", []string{msgInteger}},
		{"integer: false", "integer", false, []string{msgInteger}},
		{"integer: array", "integer", []any{"1"}, []string{msgInteger}},

		// numeric is PHP's is_numeric.
		{"numeric: fraction text", "numeric", "1.5", nil},
		{"numeric: exponent", "numeric", "1e3", nil},
		{"numeric: number", "numeric", float64(-2), nil},
		{"numeric: leading zero", "numeric", "012", nil},
		{"numeric: word", "numeric", "abc", []string{msgNumeric}},
		{"numeric: hex", "numeric", "0x1A", []string{msgNumeric}},
		{"numeric: underscores", "numeric", "1_000", []string{msgNumeric}},
		{"numeric: infinity", "numeric", "Inf", []string{msgNumeric}},
		{"numeric: NaN", "numeric", "NaN", []string{msgNumeric}},
		{"numeric: bool", "numeric", true, []string{msgNumeric}},

		{"string: text", "string", "12", nil},
		{"string: number", "string", float64(12), []string{msgString}},
		{"string: bool", "string", true, []string{msgString}},
		{"string: array", "string", []any{"a"}, []string{msgString}},

		{"boolean: true", "boolean", true, nil},
		{"boolean: false", "boolean", false, nil},
		{"boolean: 0", "boolean", int64(0), nil},
		{"boolean: 0.0 is a float, not 0", "boolean", float64(0), []string{msgBoolean}},
		{"boolean: 1", "boolean", int64(1), nil},
		{"boolean: 1.0 is a float, not 1", "boolean", float64(1), []string{msgBoolean}},
		{"boolean: text 0", "boolean", "0", nil},
		{"boolean: text 1", "boolean", "1", nil},
		{"boolean: text true", "boolean", "true", []string{msgBoolean}},
		{"boolean: 2", "boolean", float64(2), []string{msgBoolean}},
		{"boolean: yes", "boolean", "yes", []string{msgBoolean}},

		{"array: list", "array", []any{"a"}, nil},
		{"array: empty list", "array", []any{}, nil},
		{"array: object", "array", map[string]any{"a": "b"}, nil},
		{"array: text", "array", "a", []string{msgArray}},

		{"in: listed", "in:whatsapp,telegram", "telegram", nil},
		{"in: not listed", "in:whatsapp,telegram", "viber", []string{msgIn}},
		{"in: case matters", "in:whatsapp,telegram", "WhatsApp", []string{msgIn}},
		{"in: number as text", "in:0,1", float64(1), nil},
		{"in: array", "in:whatsapp,telegram", []any{"whatsapp"}, []string{msgIn}},

		{"email: address", "email", "ann@example.com", nil},
		{"email: with a name", "email", "Ann <ann@example.com>", []string{msgEmail}},
		{"email: a one-label domain is RFC-valid", "email", "ann@localhost", nil},
		{"email: no at", "email", "example.com", []string{msgEmail}},
		{"email: number", "email", float64(1), []string{msgEmail}},

		{"url: https", "url", "https://example.com/a?b=c", nil},
		{"url: no scheme", "url", "example.com/a", []string{msgURL}},
		{"url: no host", "url", "http://", []string{msgURL}},
		{"url: number", "url", float64(1), []string{msgURL}},

		{"json: object", "json", `{"a":1}`, nil},
		{"json: string", "json", `"a"`, nil},
		{"json: broken", "json", `{"a":`, []string{msgJSON}},
		{"json: not text", "json", map[string]any{"a": float64(1)}, []string{msgJSON}},

		// max/min/between/size measure numbers, element counts or characters, by the field's rules.
		{"max: number within", "integer|max:500", "500", nil},
		{"max: number over", "integer|max:500", "501", []string{"Поле x не может быть более 500."}},
		{"max: numeric number over", "numeric|max:1.5", float64(2), []string{"Поле x не может быть более 1.5."}},
		{"max: characters, not bytes", "string|max:3", "При", nil},
		{"max: characters over", "string|max:3", "Приве", []string{"Количество символов в поле x не может превышать 3."}},
		{"max: elements within", "array|max:2", []any{"a", "b"}, nil},
		{"max: elements over", "array|max:2", []any{"a", "b", "c"}, []string{"Количество элементов в поле x не может превышать 2."}},
		{"max: object keys counted", "array|max:1", map[string]any{"a": "1", "b": "2"}, []string{"Количество элементов в поле x не может превышать 1."}},
		{"max: a number without a numeric rule counts digits", "max:3", float64(12345), []string{"Количество символов в поле x не может превышать 3."}},
		{"max: a short number without a numeric rule", "max:3", float64(999), nil},
		{"max: numeric text without a numeric rule counts characters", "string|max:2", "100", []string{"Количество символов в поле x не может превышать 2."}},
		{"min: number under", "numeric|min:1", "0.5", []string{"Поле x должно быть не менее 1."}},
		{"min: number at", "integer|min:1", float64(1), nil},
		{"min: characters under", "string|min:3", "ab", []string{"Количество символов в поле x должно быть не менее 3."}},
		{"min: elements under", "array|min:2", []any{"a"}, []string{"Количество элементов в поле x должно быть не менее 2."}},
		{"between: number inside", "integer|between:1,5", "5", nil},
		{"between: number at the bottom", "integer|between:1,5", "1", nil},
		{"between: number over", "integer|between:1,5", "7", []string{"Поле x должно быть между 1 и 5."}},
		{"between: number under", "integer|between:1,5", "0", []string{"Поле x должно быть между 1 и 5."}},
		{"between: characters", "string|between:2,4", "a", []string{"Количество символов в поле x должно быть между 2 и 4."}},
		{"between: no elements", "array|between:1,2", []any{}, []string{"Количество элементов в поле x должно быть между 1 и 2."}},
		{"size: characters", "string|size:2", "abc", []string{"Количество символов в поле x должно быть равным 2."}},
		{"size: characters equal", "string|size:2", "ab", nil},
		{"size: number", "integer|size:2", "3", []string{"Поле x должно быть равным 2."}},
		{"size: elements", "array|size:1", []any{}, []string{"Количество элементов в поле x должно быть равным 1."}},

		// Without bail, every failing rule reports; bail stops at the first.
		{"no bail: every failure", "integer|min:5", "abc", []string{msgInteger, "Поле x должно быть не менее 5."}},
		{"bail: first failure only", "bail|integer|min:5", "abc", []string{msgInteger}},
		{"bail anywhere", "integer|min:5|bail", "abc", []string{msgInteger}},
		{"messages in rule order", "min:5|integer", "abc", []string{"Поле x должно быть не менее 5.", msgInteger}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := platform.Input{"other": "kept"}
			if tt.value != absent {
				in["x"] = tt.value
			}
			got := laravel.Validate(rules(t, "x", tt.rule), in)
			if tt.want == nil {
				require.Nil(t, got)
				return
			}
			require.Equal(t, errs("x", tt.want...), got)
		})
	}
}

func TestValidateConditionalRequired(t *testing.T) {
	tests := []struct {
		name  string
		rules laravel.Rules
		in    platform.Input
		want  jsonx.Object
	}{
		// required_if
		{"required_if: condition met", rules(t, "phone", "required_if:messenger,whatsapp|nullable|string|max:255"),
			platform.Input{"messenger": "whatsapp"},
			errs("phone", "Поле phone обязательно для заполнения, когда messenger равно whatsapp.")},
		{"required_if: condition met, null", rules(t, "phone", "required_if:messenger,whatsapp|nullable|string"),
			platform.Input{"messenger": "whatsapp", "phone": nil},
			errs("phone", "Поле phone обязательно для заполнения, когда messenger равно whatsapp.")},
		{"required_if: condition met, value given", rules(t, "phone", "required_if:messenger,whatsapp|nullable|string"),
			platform.Input{"messenger": "whatsapp", "phone": "7999"}, nil},
		{"required_if: condition met, wrong type", rules(t, "phone", "required_if:messenger,whatsapp|nullable|string"),
			platform.Input{"messenger": "whatsapp", "phone": float64(7999)}, errs("phone", "Поле phone должно быть строкой.")},
		{"required_if: other value", rules(t, "phone", "required_if:messenger,whatsapp|nullable|string"),
			platform.Input{"messenger": "telegram"}, nil},
		{"required_if: other absent", rules(t, "phone", "required_if:messenger,whatsapp|nullable|string"),
			platform.Input{}, nil},
		{"required_if: numeric other compared as text", rules(t, "tg_id", "required_if:contact_type,1"),
			platform.Input{"contact_type": float64(1)},
			errs("tg_id", "Поле tg id обязательно для заполнения, когда contact type равно 1.")},

		// required_with: when any of the others is filled.
		{"required_with: first other filled", rules(t, "a_b", "required_with:c_d,e"), platform.Input{"c_d": "1"},
			errs("a_b", "Поле a b обязательно для заполнения, когда c d / e указано.")},
		{"required_with: second other filled", rules(t, "a_b", "required_with:c_d,e"), platform.Input{"e": float64(0)},
			errs("a_b", "Поле a b обязательно для заполнения, когда c d / e указано.")},
		{"required_with: others blank", rules(t, "a_b", "required_with:c_d,e"), platform.Input{"c_d": " ", "e": nil}, nil},
		{"required_with: none", rules(t, "a_b", "required_with:c_d,e"), platform.Input{}, nil},
		{"required_with: given", rules(t, "a_b", "required_with:c_d,e"), platform.Input{"c_d": "1", "a_b": "x"}, nil},

		// required_without: when any of the others is missing.
		{"required_without: all others present", rules(t, "contact_id", "required_without:messenger,bot_id"),
			platform.Input{"messenger": "whatsapp", "bot_id": float64(1)}, nil},
		{"required_without: one other missing", rules(t, "contact_id", "required_without:messenger,bot_id"),
			platform.Input{"messenger": "whatsapp"},
			errs("contact_id", "Поле contact id обязательно для заполнения, когда messenger / bot id не указано.")},
		{"required_without: one other blank", rules(t, "contact_id", "required_without:messenger,bot_id"),
			platform.Input{"messenger": "whatsapp", "bot_id": ""},
			errs("contact_id", "Поле contact id обязательно для заполнения, когда messenger / bot id не указано.")},
		{"required_without: given", rules(t, "contact_id", "required_without:messenger,bot_id"),
			platform.Input{"contact_id": "5"}, nil},

		// required_without_all: when all of the others are missing.
		{"required_without_all: all missing", rules(t, "text", "required_without_all:image,file"), platform.Input{},
			errs("text", "Поле text обязательно для заполнения, когда ни одно из image / file не указано.")},
		{"required_without_all: one present", rules(t, "text", "required_without_all:image,file"),
			platform.Input{"file": "https://x/f.pdf"}, nil},
		{"required_without_all: given", rules(t, "text", "required_without_all:image,file"),
			platform.Input{"text": "hi"}, nil},
		{"required_without_all: given but wrong", rules(t, "text", "required_without_all:image,file|nullable|string"),
			platform.Input{"text": float64(1)}, errs("text", "Поле text должно быть строкой.")},

		// Dotted fields read nested input; the attribute keeps its dots.
		{"dotted: missing", rules(t, "filters.tag_name", "required|string"), platform.Input{"filters": map[string]any{}},
			errs("filters.tag_name", "Поле filters.tag name обязательно для заполнения.")},
		{"dotted: parent not an object", rules(t, "filters.tag_name", "required"), platform.Input{"filters": "x"},
			errs("filters.tag_name", "Поле filters.tag name обязательно для заполнения.")},
		{"dotted: wrong type", rules(t, "filters.tag_name", "required|string"),
			platform.Input{"filters": map[string]any{"tag_name": float64(5)}},
			errs("filters.tag_name", "Поле filters.tag name должно быть строкой.")},
		{"dotted: valid", rules(t, "filters.tag_name", "required|string"),
			platform.Input{"filters": map[string]any{"tag_name": "vip"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := laravel.Validate(tt.rules, tt.in)
			if tt.want == nil {
				require.Nil(t, got)
				return
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestValidateErrorOrderIsRuleOrder(t *testing.T) {
	r := rules(t,
		"zeta", "required",
		"alpha", "integer",
		"ok", "string",
		"mid", "required_with:alpha|string",
	)
	got := laravel.Validate(r, platform.Input{"alpha": "x", "ok": "fine"})
	var keys []string
	for _, f := range got {
		keys = append(keys, f.Key)
	}
	require.Equal(t, []string{"zeta", "alpha", "mid"}, keys, "declared order, passing fields left out")
}

// sendMessageRules are the x-rules of sendMessage in specs/cleverapp.yaml.
var sendMessageRules = []map[string]string{
	{"contact_id": "required_without:messenger,bot_id,contact_external_id|nullable|integer"},
	{"text": "required_without_all:image,file|nullable|string"},
	{"image": "required_without_all:text,file|nullable|string"},
	{"file": "required_without_all:text,image|nullable|string"},
	{"messenger": "required_without:contact_id|nullable|string|in:whatsapp,telegram,viber,icq"},
	{"bot_id": "required_without:contact_id|nullable|integer"},
	{"contact_external_id": "required_without:contact_id|nullable|string"},
}

func TestValidateSendMessage(t *testing.T) {
	r, err := laravel.ParseRules(sendMessageRules)
	require.NoError(t, err)

	// The documented 422 body of an empty request, byte for byte.
	resp := laravel.ValidationFailed(laravel.Validate(r, platform.Input{"api_token": "x"}))
	require.Equal(t, 422, resp.Status)
	require.Equal(t, `{"message":"The given data was invalid.","errors":{`+
		`"contact_id":["Поле contact id обязательно для заполнения, когда messenger \/ bot id \/ contact external id не указано."],`+
		`"text":["Поле text обязательно для заполнения, когда ни одно из image \/ file не указано."],`+
		`"image":["Поле image обязательно для заполнения, когда ни одно из text \/ file не указано."],`+
		`"file":["Поле file обязательно для заполнения, когда ни одно из text \/ image не указано."],`+
		`"messenger":["Поле messenger обязательно для заполнения, когда contact id не указано."],`+
		`"bot_id":["Поле bot id обязательно для заполнения, когда contact id не указано."],`+
		`"contact_external_id":["Поле contact external id обязательно для заполнения, когда contact id не указано."]}}`,
		string(resp.Body))

	tests := []struct {
		name string
		in   platform.Input
		want jsonx.Object
	}{
		{"by contact id", platform.Input{"contact_id": "1", "text": "Привет"}, nil},
		{"by messenger and external id", platform.Input{"bot_id": float64(29454), "contact_external_id": "79991234567",
			"messenger": "whatsapp", "text": "Hi"}, nil},
		{"image only", platform.Input{"contact_id": float64(1), "image": "https://x/i.png"}, nil},
		{"unknown messenger", platform.Input{"bot_id": float64(1), "contact_external_id": "7", "messenger": "max", "text": "Hi"},
			errs("messenger", "Выбранное значение для messenger ошибочно.")},
		{"contact id not an integer", platform.Input{"contact_id": "abc", "text": "Hi"},
			errs("contact_id", "Поле contact id должно быть целым числом.")},
		{"contact id and blank text", platform.Input{"contact_id": float64(1), "text": nil},
			jsonx.Object{
				{Key: "text", Value: []string{"Поле text обязательно для заполнения, когда ни одно из image / file не указано."}},
				{Key: "image", Value: []string{"Поле image обязательно для заполнения, когда ни одно из text / file не указано."}},
				{Key: "file", Value: []string{"Поле file обязательно для заполнения, когда ни одно из text / image не указано."}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := laravel.Validate(r, tt.in)
			if tt.want == nil {
				require.Nil(t, got)
				return
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestParseRules(t *testing.T) {
	r, err := laravel.ParseRules([]map[string]string{
		{"a": "required|max:500"},
		{"b": " nullable | in:x,y,z "},
		{"c": "between:1,5"},
	})
	require.NoError(t, err)
	require.Equal(t, laravel.Rules{
		{Field: "a", Rules: []laravel.Rule{{Name: "required"}, {Name: "max", Args: []string{"500"}}}},
		{Field: "b", Rules: []laravel.Rule{{Name: "nullable"}, {Name: "in", Args: []string{"x", "y", "z"}}}},
		{Field: "c", Rules: []laravel.Rule{{Name: "between", Args: []string{"1", "5"}}}},
	}, r)

	empty, err := laravel.ParseRules(nil)
	require.NoError(t, err)
	require.Empty(t, empty)

	bad := []struct {
		name string
		raw  []map[string]string
		err  string
	}{
		{"two fields in one item", []map[string]string{{"a": "required", "b": "required"}}, "x-rules: each item must name exactly one field, got map[a:required b:required]"},
		{"no field", []map[string]string{{}}, "x-rules: each item must name exactly one field, got map[]"},
		{"unknown rule", []map[string]string{{"a": "required|uuid"}}, `x-rules: a: unknown rule "uuid"`},
		{"empty rule", []map[string]string{{"a": "required|"}}, `x-rules: a: unknown rule ""`},
		{"max without its argument", []map[string]string{{"a": "max"}}, `x-rules: a: rule "max" needs 1 argument`},
		{"min without its argument", []map[string]string{{"a": "string|min"}}, `x-rules: a: rule "min" needs 1 argument`},
		{"size without its argument", []map[string]string{{"a": "size"}}, `x-rules: a: rule "size" needs 1 argument`},
		{"between with one argument", []map[string]string{{"a": "between:1"}}, `x-rules: a: rule "between" needs 2 arguments`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := laravel.ParseRules(tt.raw)
			require.EqualError(t, err, tt.err)
		})
	}
}

func TestNormalizeIsTrimStringsThenConvertEmptyStringsToNull(t *testing.T) {
	body := `{"trimmed":"  Привет \n","blank":"   ","empty":"","null":null,"number":5,"bool":false,` +
		`"nbsp":"\u00a0","formfeed":"5\f","nul":"5\u0000","password":" kept ",` +
		`"nested":{"a":" x ","b":" ","deep":{"c":"\t"},"list":[" y ","",1,[" z "]],"password":" trimmed "}}`
	in, err := laravel.ReadInput("POST", "application/json", "", []byte(body))
	require.NoError(t, err)
	got, err := jsonx.PHP(in.All)
	require.NoError(t, err)
	require.Equal(t, `{"trimmed":"Привет","blank":null,"empty":null,"null":null,"number":5,"bool":false,`+
		`"nbsp":"`+"\u00a0"+`","formfeed":"5\f","nul":"5","password":" kept ",`+
		`"nested":{"a":"x","b":null,"deep":{"c":null},"list":["y",null,1,["z"]],"password":"trimmed"}}`, string(got))
}
