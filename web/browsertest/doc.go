// Package browsertest drives the browser app in Debian's headless Chromium (chromedp) against
// the real server binary and a real database loaded with the demo data. It has only tests.
//
// The harness (harness_test.go), for a page's own test file:
//
//	func TestMyPage(t *testing.T) {
//		b := newBrowser(t, "staff")        // a fresh browser profile, logged in as demo.staff
//		b.open("/mypage")                  // navigates and waits for the page's bundle
//		b.waitVisible(`[data-cz="x"]`)     // CSS selectors
//		b.click(`#send`); b.text(`#answer`); b.eval(`js expression`, &out)
//		b.checkAccessibility()             // axe-core: no serious or critical violations
//		b.screenshot("mypage")             // docs/screenshots/mypage.png when CONOSCENZA_SCREENSHOTS=1
//	}
//
// Every JavaScript error, failed request and Content-Security-Policy violation the page logs
// fails the test. The server starts once per package run (env: serverURL) from a binary built
// by TestMain; the browser tests are skipped with a message when Chromium is not installed
// (scripts/setup.sh installs it), never silently passed in CI: CONOSCENZA_REQUIRE_BROWSER=1
// (set by make test) turns the skip into a failure.
package browsertest
