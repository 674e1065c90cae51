package scenario

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// JUnit XML as CI servers read it (the Ant/Jenkins format): one testsuite
// per scenario file, one testcase per step.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Timestamp  string           `xml:"timestamp,attr"`
	File       string           `xml:"file,attr,omitempty"`
	Properties *junitProperties `xml:"properties"`
	Cases      []junitCase      `xml:"testcase"`
	SystemOut  string           `xml:"system-out,omitempty"`
}

type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure"`
	Error     *junitProblem `xml:"error"`
	Skipped   *junitProblem `xml:"skipped"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func seconds(ms float64) string { return fmt.Sprintf("%.3f", ms/1000) }

// WriteJUnit writes the results as JUnit XML.
func WriteJUnit(w io.Writer, results []Result) error {
	all := junitSuites{Name: "fakebots scenarios"}
	var total float64
	for _, r := range results {
		s := junitSuite{
			Name: r.Name, File: r.File, Time: seconds(r.DurationMS),
			Timestamp: r.StartedAt.UTC().Format(time.RFC3339),
			SystemOut: r.Output,
		}
		if r.Tenant != "" {
			s.Properties = &junitProperties{[]junitProperty{{Name: "tenant", Value: r.Tenant}}}
		}
		notRun := "not run: an earlier step failed"
		if r.Error != "" {
			s.Cases = append(s.Cases, junitCase{Name: "run", Classname: r.Name, Time: "0.000",
				Error: &junitProblem{Message: r.Error, Type: "run"}})
			s.Errors++
			if r.Tenant == "" {
				notRun = "not run: the run could not start"
			}
		}
		for _, st := range r.Steps {
			c := junitCase{Name: fmt.Sprintf("%02d %s", st.Index+1, st.Name), Classname: r.Name, Time: seconds(st.DurationMS)}
			switch st.Status {
			case StatusFailed:
				c.Failure = &junitProblem{Message: st.Message, Type: st.Kind, Text: st.Text()}
				s.Failures++
			case StatusSkipped:
				c.Skipped = &junitProblem{Message: notRun}
				s.Skipped++
			}
			s.Cases = append(s.Cases, c)
		}
		s.Tests = len(s.Cases)
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Errors += s.Errors
		all.Skipped += s.Skipped
		total += r.DurationMS
		all.Suites = append(all.Suites, s)
	}
	all.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
