// Command mutator makes the mutants gremlins does not (negated and
// un-negated conditions, tagless switch cases, errors returned as nil,
// deleted calls), tests each with its package's own tests, and scores a
// package from both tools' results. scripts/mutation.sh drives it.
//
//	mutator run -root DIR -pkg emulator/jsonx -budget 10m -out own.json
//	mutator score -root DIR -pkg emulator/jsonx -gremlins gremlins.log -own own.json -equivalents FILE
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
		fmt.Fprintln(os.Stderr, "usage: mutator run|score [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = runCommand(os.Args[2:])
	case "score":
		err = scoreCommand(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want run or score", os.Args[1])
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
	budget := fs.Duration("budget", 10*time.Minute, "stop starting mutants after this long")
	coefficient := fs.Int("timeout-coefficient", 5, "a mutant times out after this many times the unmutated tests' duration")
	out := fs.String("out", "", "where to write the results (JSON)")
	recheck := fs.String("recheck", "", "gremlins' log: test again, first, the mutants it timed out on")
	files := fs.String("files", "", "only the package's files whose names match this regular expression")
	dryRun := fs.Bool("dry-run", false, "list the mutants, all as not run, without testing any")
	onlyIDs := fs.String("only", "", "test just these mutants (comma-separated ids, ours or gremlins')")
	_ = fs.Parse(args)
	if *pkg == "" || *out == "" {
		return errors.New("run needs -pkg and -out")
	}
	only, err := compileFiles(*files)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(*budget)
	mutants, err := FindPackage(*root, *pkg, only)
	if err != nil {
		return err
	}
	if *onlyIDs != "" {
		if mutants, err = chosen(*root, mutants, strings.Split(*onlyIDs, ",")); err != nil {
			return err
		}
	} else if *recheck != "" {
		timedOut, err := gremlinsTimeouts(*root, *pkg, *recheck)
		if err != nil {
			return err
		}
		mutants = append(timedOut, mutants...)
	}
	if *dryRun {
		var listed Run
		for _, m := range mutants {
			fmt.Println(m.ID)
			listed.Unrun = append(listed.Unrun, m.ID)
		}
		return writeJSONFile(*out, listed)
	}
	dir, err := os.MkdirTemp("", "mutator-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	r := newRunner(*root, *pkg, dir)
	r.progress = func(m Mutant) { fmt.Printf("%12s %s\n", m.Status, m.ID) }
	if err := r.baseline(*coefficient); err != nil {
		return err
	}
	fmt.Printf("%d mutants, each with a %s timeout\n", len(mutants), r.timeout.Round(time.Second))
	result, err := r.run(mutants, deadline)
	if err != nil {
		return err
	}
	return writeJSONFile(*out, result)
}

func scoreCommand(args []string) error {
	fs := flag.NewFlagSet("score", flag.ExitOnError)
	root := fs.String("root", ".", "module root")
	pkg := fs.String("pkg", "", "package directory relative to the root")
	gremlinsFile := fs.String("gremlins", "", "gremlins' log (missing: none of its mutants ran)")
	ownFile := fs.String("own", "", "the results of mutator run")
	eqFile := fs.String("equivalents", "", "the equivalent mutants' file")
	files := fs.String("files", "", "only the package's files whose names match this regular expression")
	_ = fs.Parse(args)
	if *pkg == "" || *ownFile == "" {
		return errors.New("score needs -pkg and -own")
	}
	only, err := compileFiles(*files)
	if err != nil {
		return err
	}
	var own Run
	if err := readJSONFile(*ownFile, &own); err != nil {
		return err
	}
	var gremlins []Mutant
	if f, err := os.Open(*gremlinsFile); err == nil {
		gremlins, err = readGremlins(f, *pkg)
		f.Close()
		if err != nil {
			return err
		}
	}
	expected, err := expectedGremlins(*root, *pkg, only)
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
	score(*pkg, gremlins, own, expected, eq).print(os.Stdout)
	return nil
}

// chosen picks the mutants named by ids: ours from found, gremlins'
// rebuilt from the source.
func chosen(root string, found []Mutant, ids []string) ([]Mutant, error) {
	var out []Mutant
	for _, id := range ids {
		i := slices.IndexFunc(found, func(m Mutant) bool { return m.ID == id })
		if i >= 0 {
			out = append(out, found[i])
			continue
		}
		file, _ := splitID(id)
		src, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			return nil, err
		}
		m, err := GremlinsMutant(id, src)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// gremlinsTimeouts rebuilds the mutants gremlins' log reports as timed out.
func gremlinsTimeouts(root, pkg, logFile string) ([]Mutant, error) {
	f, err := os.Open(logFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	logged, err := readGremlins(f, pkg)
	if err != nil {
		return nil, err
	}
	var out []Mutant
	for _, m := range logged {
		if m.Status != TimedOut {
			continue
		}
		file, _ := splitID(m.ID)
		src, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			return nil, err
		}
		rebuilt, err := GremlinsMutant(m.ID, src)
		if err != nil {
			return nil, err
		}
		out = append(out, rebuilt)
	}
	return out, nil
}

func expectedGremlins(root, pkg string, only *regexp.Regexp) ([]string, error) {
	sources, err := packageSources(root, pkg, only)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, s := range sources {
		found, err := GremlinsIDs(s.name, s.src)
		if err != nil {
			return nil, err
		}
		ids = append(ids, found...)
	}
	return ids, nil
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
