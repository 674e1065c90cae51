package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Coverage is which tests reach which code of a package: each top-level
// test run alone, with the package's coverage measured.
type Coverage struct {
	Tests  []Test             `json:"tests"`
	Blocks map[string][]Block `json:"blocks"` // by file, relative to the module root
}

// Test is one top-level test (or example, or fuzz target's seeds).
type Test struct {
	Package  string        `json:"package"` // its directory, relative to the module root
	Name     string        `json:"name"`
	Duration time.Duration `json:"duration"` // alone, with coverage on
}

// Block is a run of statements Go's coverage counts as one: from
// StartLine.StartCol up to, not including, EndLine.EndCol.
type Block struct {
	StartLine, StartCol, EndLine, EndCol int
	Tests                                []int // indexes into Coverage.Tests
}

func (b Block) contains(line, col int) bool {
	after := line > b.StartLine || line == b.StartLine && col >= b.StartCol
	before := line < b.EndLine || line == b.EndLine && col < b.EndCol
	return after && before
}

func (b Block) size() [2]int { return [2]int{b.EndLine - b.StartLine, b.EndCol - b.StartCol} }

// Reaching returns the tests that reach code of file at line:col: those
// that ran the innermost block there. Line 0 is package level code, and
// code in no block (which cmd/cover would have missed) is taken as
// reached by every test: running too many tests only costs time.
func (c *Coverage) Reaching(file string, line, col int) []int {
	var inner *Block
	if line > 0 {
		for i, b := range c.Blocks[file] {
			if b.contains(line, col) && (inner == nil || less(b.size(), inner.size())) {
				inner = &c.Blocks[file][i]
			}
		}
	}
	if inner == nil {
		all := make([]int, len(c.Tests))
		for i := range all {
			all[i] = i
		}
		return all
	}
	return inner.Tests
}

func less(a, b [2]int) bool { return a[0] < b[0] || a[0] == b[0] && a[1] < b[1] }

// profileLine is one block of a coverage profile:
// "github.com/x/y/p/f.go:12.34,15.2 3 1".
var profileLine = regexp.MustCompile(`^(.+):(\d+)\.(\d+),(\d+)\.(\d+) \d+ (\d+)$`)

// addProfile records the blocks of a coverage profile that test ran.
// Files are named in the profile by import path; module is the module's.
func (c *Coverage) addProfile(r io.Reader, module string, test int) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "mode:") {
			continue
		}
		m := profileLine.FindStringSubmatch(sc.Text())
		if m == nil {
			return fmt.Errorf("coverage profile: unexpected line %q", sc.Text())
		}
		file, ok := strings.CutPrefix(m[1], module+"/")
		if !ok {
			continue
		}
		var b Block
		fmt.Sscan(m[2], &b.StartLine)
		fmt.Sscan(m[3], &b.StartCol)
		fmt.Sscan(m[4], &b.EndLine)
		fmt.Sscan(m[5], &b.EndCol)
		blocks := c.Blocks[file]
		i := slices.IndexFunc(blocks, func(o Block) bool {
			return o.StartLine == b.StartLine && o.StartCol == b.StartCol && o.EndLine == b.EndLine && o.EndCol == b.EndCol
		})
		if i < 0 {
			blocks = append(blocks, b)
			i = len(blocks) - 1
		}
		if m[6] != "0" && !slices.Contains(blocks[i].Tests, test) {
			blocks[i].Tests = append(blocks[i].Tests, test)
		}
		c.Blocks[file] = blocks
	}
	return sc.Err()
}

// measureCoverage runs every test of testPkgs alone against pkg's
// coverage, workers at a time, or reads the result of an earlier run from
// cacheDir: the same test binaries and the same data files measure the
// same.
func (r *runner) measureCoverage(testPkgs []string, workers int, cacheDir string) (*Coverage, error) {
	module, err := modulePath(r.root)
	if err != nil {
		return nil, err
	}
	key := sha256.New()
	fmt.Fprintf(key, "%s\x00%q\x00", r.pkg, testPkgs)
	var binaries []string
	var withTests []string
	for _, tp := range testPkgs {
		bin := filepath.Join(r.dir, "cover-"+strings.ReplaceAll(tp, "/", "_")+".test")
		if out, err := r.run(r.buildCommand(tp, "", bin, true), time.Hour); err != nil {
			return nil, fmt.Errorf("building the tests of %s with coverage: %w\n%s", tp, err, out)
		}
		if _, err := os.Stat(bin); errors.Is(err, fs.ErrNotExist) {
			continue // a package without tests
		}
		if err := hashFile(key, bin); err != nil {
			return nil, err
		}
		binaries = append(binaries, bin)
		withTests = append(withTests, tp)
	}
	if len(binaries) == 0 {
		return nil, fmt.Errorf("none of %s has tests", strings.Join(testPkgs, ", "))
	}
	if err := hashDataFiles(key, r.root); err != nil {
		return nil, err
	}
	cached := filepath.Join(cacheDir, hex.EncodeToString(key.Sum(nil))+".json")
	var cov Coverage
	if cacheDir != "" && readJSONFile(cached, &cov) == nil {
		return &cov, nil
	}

	cov = Coverage{Blocks: map[string][]Block{}}
	for i, bin := range binaries {
		out, err := r.run(r.testCommand(withTests[i], bin, []string{"-test.list", "."}), time.Minute)
		if err != nil {
			return nil, fmt.Errorf("listing the tests of %s: %w\n%s", withTests[i], err, out)
		}
		for _, name := range strings.Fields(string(out)) {
			if strings.HasPrefix(name, "Test") || strings.HasPrefix(name, "Example") || strings.HasPrefix(name, "Fuzz") {
				cov.Tests = append(cov.Tests, Test{Package: withTests[i], Name: name})
			}
		}
	}
	var mu sync.Mutex
	var firstErr error
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				err := r.coverOne(&cov, &mu, module, i, binaries[slices.Index(withTests, cov.Tests[i].Package)])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for i := range cov.Tests {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if cacheDir != "" {
		if err := os.MkdirAll(cacheDir, 0o755); err != nil {
			return nil, err
		}
		if err := writeJSONFile(cached, &cov); err != nil {
			return nil, err
		}
	}
	return &cov, nil
}

// coverOne runs test i alone and records what it reached. A test that
// fails alone on the unmutated code gets a second chance (the machine may
// be busy), then stops the run: its failures would be counted as kills.
func (r *runner) coverOne(cov *Coverage, mu *sync.Mutex, module string, i int, bin string) error {
	t := cov.Tests[i]
	profile := filepath.Join(r.dir, fmt.Sprintf("profile-%d", i))
	args := []string{"-test.run", "^" + t.Name + "$", "-test.coverprofile", profile}
	var out []byte
	var err error
	var took time.Duration
	for range 2 {
		start := time.Now()
		out, err = r.run(r.testCommand(t.Package, bin, args), 10*time.Minute)
		took = time.Since(start)
		if err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("%s %s fails unmutated, run alone: %w\n%s", t.Package, t.Name, err, out)
	}
	f, err := os.Open(profile)
	if err != nil {
		return err
	}
	defer os.Remove(profile)
	defer f.Close()
	mu.Lock()
	defer mu.Unlock()
	cov.Tests[i].Duration = took
	return cov.addProfile(f, module, i)
}

func modulePath(root string) (string, error) {
	goMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(goMod)
	if m == nil {
		return "", errors.New("go.mod names no module")
	}
	return string(m[1]), nil
}

func hashFile(h io.Writer, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(h, f)
	return err
}

// hashDataFiles hashes the module's files other than Go source (testdata,
// specs, documents), which tests may read while they run. Hidden
// directories are skipped.
func hashDataFiles(h io.Writer, root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") || !d.Type().IsRegular() {
			return nil
		}
		fmt.Fprintf(h, "%s\x00", filepath.ToSlash(strings.TrimPrefix(path, root)))
		return hashFile(h, path)
	})
}

func readJSONFile(name string, v any) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return json.NewDecoder(f).Decode(v)
}
