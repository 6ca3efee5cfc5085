"""Browser journeys: the real app served over HTTP and driven by Debian's Chromium (Playwright)."""
