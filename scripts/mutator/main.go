// Command mutator makes mutants of a Go package (operator swaps, negated
// conditions, tagless switch cases, errors returned as nil, deleted
// calls), tests each with only the tests that reach its line, and scores
// the package. scripts/mutation.sh drives it.
//
//	mutator run -root DIR -pkg emulator/jsonx [-tests emulator/jsonx,emulator] -equivalents FILE
//	mutator list -root DIR -pkg emulator/jsonx
//
// Which tests reach which line comes from running each top-level test
// alone with coverage on, once per package content (cached); each mutant
// is then built into a test binary and only those tests are run.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: mutator run|list [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = runCommand(os.Args[2:])
	case "list":
		err = listCommand(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want run or list", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mutator:", err)
		os.Exit(1)
	}
}

func runCommand(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	root := fs.String("root", ".", "module root")
	pkg := fs.String("pkg", "", "package directory relative to the root")
	tests := fs.String("tests", "", "the packages whose tests count, comma-separated (default: the package's own)")
	workers := fs.Int("workers", 2, "mutants tested at once")
	budget := fs.Duration("budget", 0, "start no mutant after this long (0: no limit)")
	coefficient := fs.Int("timeout-coefficient", 5, "a mutant times out after this many times its tests' unmutated duration")
	files := fs.String("files", "", "only the package's files whose names match this regular expression")
	onlyIDs := fs.String("only", "", "test just these mutants (comma-separated ids)")
	eqFile := fs.String("equivalents", "", "the equivalent mutants' file")
	out := fs.String("out", "", "also write the results here (JSON)")
	cacheDir := fs.String("cache", defaultCache(), "where coverage maps are kept between runs (empty: nowhere)")
	_ = fs.Parse(args)
	if *pkg == "" {
		return errors.New("run needs -pkg")
	}
	start := time.Now()
	var deadline time.Time
	if *budget > 0 {
		deadline = start.Add(*budget)
	}
	absRoot, err := filepath.Abs(*root)
	if err != nil {
		return err
	}
	only, err := compileFiles(*files)
	if err != nil {
		return err
	}
	eq := Equivalents{}
	if *eqFile != "" {
		f, err := os.Open(*eqFile)
		if err != nil {
			return err
		}
		eq, err = readEquivalents(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	mutants, err := FindPackage(absRoot, *pkg, only)
	if err != nil {
		return err
	}
	if *onlyIDs != "" {
		if mutants, err = chosen(mutants, strings.Split(*onlyIDs, ",")); err != nil {
			return err
		}
	}
	testPkgs := []string{*pkg}
	if *tests != "" {
		testPkgs = strings.Split(*tests, ",")
	}
	dir, err := os.MkdirTemp("", "mutator-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	r := newRunner(absRoot, *pkg, dir, *coefficient)
	cov, err := r.measureCoverage(testPkgs, *workers, *cacheDir)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %d tests mapped in %s; %d mutants\n", *pkg, len(cov.Tests), time.Since(start).Round(time.Second), len(mutants))
	r.progress = func(m Mutant, tests int, took time.Duration) {
		fmt.Printf("%12s %s  (%d tests, %s)\n", m.Status, m.ID, tests, took.Round(100*time.Millisecond))
	}
	result, err := r.runAll(mutants, cov, *workers, deadline)
	if err != nil {
		return err
	}
	if *out != "" {
		if err := writeJSONFile(*out, result); err != nil {
			return err
		}
	}
	fmt.Printf("%s: done in %s\n", *pkg, time.Since(start).Round(time.Second))
	score(*pkg, result, eq, only, *onlyIDs == "").print(os.Stdout)
	return nil
}

// listCommand prints each mutant with its line as mutated.
func listCommand(args []string) error {
	fs := flag.NewFlagSet("list", flag.ExitOnError)
	root := fs.String("root", ".", "module root")
	pkg := fs.String("pkg", "", "package directory relative to the root")
	files := fs.String("files", "", "only the package's files whose names match this regular expression")
	_ = fs.Parse(args)
	only, err := compileFiles(*files)
	if err != nil {
		return err
	}
	mutants, err := FindPackage(*root, *pkg, only)
	if err != nil {
		return err
	}
	sources := map[string][]byte{}
	for _, m := range mutants {
		file, _ := splitID(m.ID)
		if sources[file] == nil {
			if sources[file], err = os.ReadFile(filepath.Join(*root, file)); err != nil {
				return err
			}
		}
		fmt.Printf("%s\t%s\n", m.ID, line(m.Apply(sources[file]), m.Start))
	}
	return nil
}

// line is the trimmed line of src around offset.
func line(src []byte, offset int) string {
	start := strings.LastIndexByte(string(src[:offset]), '\n') + 1
	end := strings.IndexByte(string(src[offset:]), '\n')
	if end < 0 {
		end = len(src) - offset
	}
	return strings.TrimSpace(string(src[start : offset+end]))
}

// chosen picks the mutants named by ids.
func chosen(found []Mutant, ids []string) ([]Mutant, error) {
	var out []Mutant
	for _, id := range ids {
		i := slices.IndexFunc(found, func(m Mutant) bool { return m.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("no mutant %s", id)
		}
		out = append(out, found[i])
	}
	return out, nil
}

func defaultCache() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "fakebots-mutation")
}

func compileFiles(expr string) (*regexp.Regexp, error) {
	if expr == "" {
		return nil, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("-files: %w", err)
	}
	return re, nil
}

func writeJSONFile(name string, v any) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
