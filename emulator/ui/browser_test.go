package ui_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser tests drive the dashboard in headless Chromium (Debian's
// chromium package). Without one they skip; FAKEBOTS_CHROMIUM names the
// binary, and when it is set a missing browser fails the tests instead
// (CI sets it).
var screenshots = flag.Bool("screenshots", false, "write the dashboard's screenshots under docs/dashboard/ (the browser tests take them)")

// chromium finds the browser, or skips the test saying how to run it.
func chromium(t *testing.T) string {
	t.Helper()
	if path := os.Getenv("FAKEBOTS_CHROMIUM"); path != "" {
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("FAKEBOTS_CHROMIUM=%s: %v", path, err)
		}
		return path
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Skip("browser tests skipped: no Chromium found; install Debian's chromium (apt-get install chromium) or set FAKEBOTS_CHROMIUM to a Chromium binary")
	return ""
}

// waitLimit bounds every wait for the page: the machine may be busy, but
// nothing the dashboard does takes seconds.
const waitLimit = 20 * time.Second

// browserPage is one tab on the dashboard of the emulator at base.
type browserPage struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu       sync.Mutex
	requests []string // every URL the page asked for
	problems []string // uncaught exceptions and console errors
}

// openBrowser starts Chromium as the machine needs it (no sandbox as root,
// no GPU, no background traffic, a fresh profile) at 1280×720 in UTC, and
// closes it at the end of the test, before the server the test started
// first.
func openBrowser(t *testing.T, base string) *browserPage {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 720),
		chromedp.Env("TZ=UTC"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	ctx, cancelTime := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(func() {
		cancelTime()
		cancelTab()
		cancelAlloc()
	})
	p := &browserPage{t: t, ctx: ctx, base: base}
	err := chromedp.Listen(ctx, func(ev any) {
		p.mu.Lock()
		defer p.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			p.requests = append(p.requests, ev.Request.URL)
		case *runtime.EventExceptionThrown:
			p.problems = append(p.problems, "exception: "+exceptionText(ev.ExceptionDetails))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				p.problems = append(p.problems, "console.error: "+consoleText(ev.Args))
			}
		case *page.EventJavascriptDialogOpening:
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}) // a confirm() says yes
		}
	})
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	p.do(chromedp.EmulateViewport(1280, 720))
	t.Cleanup(p.checkClean)
	return p
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return ""
	}
	text := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		text += " " + d.Exception.Description
	}
	return fmt.Sprintf("%s (%s:%d)", text, d.URL, d.LineNumber+1)
}

func consoleText(args []*runtime.RemoteObject) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.Description
		if parts[i] == "" {
			parts[i] = strings.Trim(string(a.Value), `"`)
		}
	}
	return strings.Join(parts, " ")
}

// checkClean fails the test if the page threw, logged an error, or asked
// anything of another origin than the emulator's.
func (p *browserPage) checkClean() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, problem := range p.problems {
		p.t.Errorf("the page reported %s", problem)
	}
	for _, u := range p.requests {
		if !strings.HasPrefix(u, p.base+"/") && !strings.HasPrefix(u, "data:") {
			p.t.Errorf("the page asked for %s, outside the emulator", u)
		}
	}
}

func (p *browserPage) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatalf("browser: %v\n%s", err, p.visibleText())
	}
}

// open loads a path of the emulator, within the bound of any wait.
func (p *browserPage) open(path string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, waitLimit)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(p.base+path)); err != nil {
		p.t.Fatalf("open %s: %v", path, err)
	}
}

// waitFor waits until a JavaScript condition holds.
func (p *browserPage) waitFor(what, condition string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, waitLimit)
	defer cancel()
	guarded := fmt.Sprintf(`(() => { try { return !!(%s); } catch { return false; } })()`, condition) // not there yet: not yet
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](guarded, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		p.t.Fatalf("waiting for %s (%s): %v\npage at %s:\n%s", what, condition, err, p.eval("location.href"), p.visibleText())
	}
}

// waitText waits until an element matching css shows text.
func (p *browserPage) waitText(css, text string) {
	p.t.Helper()
	p.waitFor(fmt.Sprintf("%q in %s", text, css), fmt.Sprintf(`[...document.querySelectorAll(%s)].some((el) => el.innerText.includes(%s))`, jsString(css), jsString(text)))
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func (p *browserPage) eval(expression string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[any](expression))
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	return fmt.Sprint(v)
}

func (p *browserPage) visibleText() string {
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ''`))
	if err != nil {
		return fmt.Sprintf("(no text: %v)", err)
	}
	return v
}

// click clicks the element css finds. A live view may redraw it between
// finding it and clicking it; then it is found again.
func (p *browserPage) click(css string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, waitLimit)
	defer cancel()
	for {
		err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
		if err == nil {
			return
		}
		if ctx.Err() != nil || !strings.Contains(err.Error(), "Could not find node") {
			p.t.Fatalf("click %s: %v\n%s", css, err, p.visibleText())
		}
	}
}

// fill types text into a field, as a person would.
func (p *browserPage) fill(css, text string) {
	p.t.Helper()
	p.do(chromedp.WaitVisible(chromedp.CSS(css)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%s).value = ''`, jsString(css))),
		chromedp.SendKeys(chromedp.CSS(css), text))
}

// screenshot keeps what the page shows under docs/dashboard/ when the
// tests run with -screenshots.
func (p *browserPage) screenshot(name string) {
	p.t.Helper()
	if !*screenshots {
		return
	}
	p.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('toasts').replaceChildren()`)) // passing notes hide the view
	shot, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	dir := filepath.Join("..", "..", "docs", "dashboard")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
		p.t.Fatal(err)
	}
}
