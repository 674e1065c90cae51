package laravel

import "strings"

// ru holds the laravel-lang ru/validation.php strings whose wording matches
// the platforms' documented 422 bodies.
var ru = map[string]string{
	"required":             "Поле :attribute обязательно для заполнения.",
	"required_with":        "Поле :attribute обязательно для заполнения, когда :values указано.",
	"required_if":          "Поле :attribute обязательно для заполнения, когда :other равно :value.",
	"required_without":     "Поле :attribute обязательно для заполнения, когда :values не указано.",
	"required_without_all": "Поле :attribute обязательно для заполнения, когда ни одно из :values не указано.",
	"integer":              "Поле :attribute должно быть целым числом.",
	"numeric":              "Поле :attribute должно быть числом.",
	"string":               "Поле :attribute должно быть строкой.",
	"boolean":              "Поле :attribute должно иметь значение логического типа.",
	"array":                "Поле :attribute должно быть массивом.",
	"in":                   "Выбранное значение для :attribute ошибочно.",
	"email":                "Поле :attribute должно быть действительным электронным адресом.",
	"url":                  "Поле :attribute имеет ошибочный формат.",
	"json":                 "Поле :attribute должно быть JSON строкой.",
	"max.numeric":          "Поле :attribute не может быть более :max.",
	"max.string":           "Количество символов в поле :attribute не может превышать :max.",
	"max.array":            "Количество элементов в поле :attribute не может превышать :max.",
	"min.numeric":          "Поле :attribute должно быть не менее :min.",
	"min.string":           "Количество символов в поле :attribute должно быть не менее :min.",
	"min.array":            "Количество элементов в поле :attribute должно быть не менее :min.",
	"between.numeric":      "Поле :attribute должно быть между :min и :max.",
	"between.string":       "Количество символов в поле :attribute должно быть между :min и :max.",
	"between.array":        "Количество элементов в поле :attribute должно быть между :min и :max.",
	"size.numeric":         "Поле :attribute должно быть равным :size.",
	"size.string":          "Количество символов в поле :attribute должно быть равным :size.",
	"size.array":           "Количество элементов в поле :attribute должно быть равным :size.",
}

// attribute is Laravel's default attribute name: underscores become spaces.
func attribute(field string) string { return strings.ReplaceAll(field, "_", " ") }

func message(fr FieldRules, r Rule) string {
	key := r.Name
	switch r.Name {
	case "max", "min", "between", "size":
		key += "." + fr.attributeType()
	}
	values := make([]string, len(r.Args))
	for i, a := range r.Args {
		values[i] = attribute(a)
	}
	repl := []string{":attribute", attribute(fr.Field), ":values", strings.Join(values, " / ")}
	if r.Name == "required_if" && len(r.Args) == 2 {
		repl = append(repl, ":other", attribute(r.Args[0]), ":value", r.Args[1])
	}
	if len(r.Args) > 0 {
		repl = append(repl, ":max", r.Args[len(r.Args)-1], ":min", r.Args[0], ":size", r.Args[0])
	}
	return strings.NewReplacer(repl...).Replace(ru[key])
}
