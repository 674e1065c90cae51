package scenario

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxFileBytes bounds a scenario file: the format is for hand-written and
// recorded flows, not for data.
const MaxFileBytes = 4 << 20

// LoadFile reads and checks a scenario file.
func LoadFile(path string) (*Scenario, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, MaxFileBytes)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sc, err := Parse(path, raw)
	if sc != nil {
		sc.Dir = filepath.Dir(path)
	}
	return sc, err
}

// Parse reads and checks a scenario (YAML, or JSON, which is YAML). file
// names it in errors. The error, when not nil, is an Errors listing every
// problem with its line and column.
func Parse(file string, raw []byte) (*Scenario, error) {
	if len(raw) > MaxFileBytes {
		return nil, Errors{{Pos: Pos{File: file}, Msg: fmt.Sprintf("larger than %d bytes", MaxFileBytes)}}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, yamlError(file, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, Errors{{Pos: Pos{File: file}, Msg: "empty document: a scenario needs version, name, tenant and steps"}}
	}
	d := &decoder{file: file}
	sc := &Scenario{File: file}
	d.decode(doc.Content[0], reflect.ValueOf(sc).Elem())
	if len(d.errs) == 0 {
		c := &checker{decoder: d, root: doc.Content[0]}
		c.scenario(sc)
	}
	if len(d.errs) > 0 {
		sort.SliceStable(d.errs, func(i, j int) bool {
			a, b := d.errs[i].Pos, d.errs[j].Pos
			return a.Line < b.Line || (a.Line == b.Line && a.Column < b.Column)
		})
		return nil, d.errs
	}
	return sc, nil
}

// yamlError gives a syntax error the file:line form of the others.
func yamlError(file string, err error) error {
	msg := err.Error()
	var line int
	if n, _ := fmt.Sscanf(strings.TrimPrefix(msg, "yaml: "), "line %d:", &line); n == 1 {
		_, rest, _ := strings.Cut(msg, ": ")
		_, rest, _ = strings.Cut(rest, ": ")
		return Errors{{Pos: Pos{File: file, Line: line, Column: 1}, Msg: rest}}
	}
	return Errors{{Pos: Pos{File: file}, Msg: strings.TrimPrefix(msg, "yaml: ")}}
}

// Files expands arguments into scenario files: files as given, directories
// walked for *.yaml and *.yml, in name order.
func Files(args []string) ([]string, error) {
	var out []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, arg)
			continue
		}
		err = filepath.WalkDir(arg, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if ext := filepath.Ext(path); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no scenario files (*.yaml, *.yml) found")
	}
	return out, nil
}
