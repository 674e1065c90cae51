package laravel_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/php"
	"github.com/fakebots/fakebots/emulator/platform"
)

// fieldCase is a rule for field f and the messages it gives (none: nil).
type fieldCase struct {
	rule string
	want []string
}

// checkField validates field f of in under each case's rule: no errors
// when want is nil, else exactly those messages.
func checkField(t *testing.T, in platform.Input, cases []fieldCase) {
	for _, tt := range cases {
		t.Run(tt.rule, func(t *testing.T) {
			got := laravel.Validate(rules(t, "f", tt.rule), in)
			if tt.want == nil {
				require.Nil(t, got)
				return
			}
			require.Equal(t, errs("f", tt.want...), got)
		})
	}
}

// TestValidateMeasuresUploadsInKilobytes pins the size rules on an
// uploaded file: its size in kilobytes (bytes / 1024, fractions kept), and
// the ".file" lines of the message table.
func TestValidateMeasuresUploadsInKilobytes(t *testing.T) {
	file := &php.File{Name: "a.txt", Size: 1536} // 1.5 KB
	tests := []fieldCase{
		{"max:1.5", nil},
		{"max:1", []string{"Размер файла в поле f не может быть более 1 Килобайт(а)."}},
		{"min:1.5", nil},
		{"min:2", []string{"Размер файла в поле f должен быть не менее 2 Килобайт(а)."}},
		{"between:1,1.5", nil},
		{"between:1.6,3", []string{"Размер файла в поле f должен быть между 1.6 и 3 Килобайт(а)."}},
		{"size:1.5", nil},
		{"size:1536", []string{"Размер файла в поле f должен быть равен 1536 Килобайт(а)."}},
	}
	checkField(t, platform.Input{"f": file}, tests)
}

// TestValidateRefusesAFailedUpload pins the "uploaded" failure, as Laravel
// 8 gave it for an UploadedFile with UPLOAD_ERR_INI_SIZE: a field with a
// size or implicit rule fails its first rule with it alone and stops;
// without one the file is just a value of the wrong type. The file cases
// above and below were checked the same way.
func TestValidateRefusesAFailedUpload(t *testing.T) {
	const uploaded = "Загрузка поля f не удалась."
	failed := &php.File{Name: "big.bin", Error: 1}
	tests := []fieldCase{
		{"max:5|string", []string{uploaded}},
		{"string|min:1", []string{uploaded}}, // the field's rules decide, not the one running
		{"between:1,2", []string{uploaded}},
		{"size:0", []string{uploaded}},
		{"required|string", []string{uploaded}},
		{"required_with:g|string", []string{uploaded}},
		{"nullable|string|in:a", []string{"Поле f должно быть строкой.", "Выбранное значение для f ошибочно."}},
	}
	checkField(t, platform.Input{"f": failed, "g": "x"}, tests)
}

// TestValidateTreatsAValidUploadAsAFile pins the other rules on a file
// that was uploaded: present for required, not text, JSON, a listed value
// or an array.
func TestValidateTreatsAValidUploadAsAFile(t *testing.T) {
	file := &php.File{Name: "a.txt", Size: 10}
	tests := []fieldCase{
		{"required", nil},
		{"string", []string{"Поле f должно быть строкой."}},
		{"json", []string{"Поле f должно быть JSON строкой."}},
		{"in:a.txt", []string{"Выбранное значение для f ошибочно."}},
		{"array", []string{"Поле f должно быть массивом."}},
	}
	checkField(t, platform.Input{"f": file}, tests)
}

// TestValidateWildcardStopsAtAnUpload pins data_set on an object: a
// wildcard path through an uploaded file sets a property, so Arr::dot sees
// the file as a leaf and no attribute below it is validated.
func TestValidateWildcardStopsAtAnUpload(t *testing.T) {
	in := platform.Input{"a": []any{map[string]any{"f": &php.File{Name: "x", Size: 1}}}}
	require.Nil(t, laravel.Validate(rules(t, "a.*.f.x", "required"), in))
	require.Nil(t, laravel.Validate(rules(t, "a.*.f.*.y", "required"), in))
}
