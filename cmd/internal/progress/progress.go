// Package progress writes a progress line for long client work (a roster
// import, completing a folder of cards): what is done of how much, the
// rate, and about how long is left. On a terminal the line is rewritten in
// place; elsewhere (a log, a pipe) a line is written at each tenth of the
// work, so a log holds at most ten. It writes to the command's error
// stream, never its output, so -o json stays one object.
package progress

import (
	"fmt"
	"io"
	"os"
	"time"
)

// Meter counts done items of a known total.
type Meter struct {
	w     io.Writer
	what  string // "rows", "cards"
	total int
	done  int
	tty   bool
	start time.Time
	shown int // tenths shown (not on a terminal)
	now   func() time.Time
}

// New starts a meter of total items called what, writing to w. A nil w or
// a total under 2 writes nothing.
func New(w io.Writer, what string, total int) *Meter {
	m := &Meter{w: w, what: what, total: total, now: time.Now}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			m.tty = true
		}
	}
	m.start = m.now()
	return m
}

func (m *Meter) off() bool { return m == nil || m.w == nil || m.total < 2 }

// Add counts n more items done and writes the line if it is due.
func (m *Meter) Add(n int) {
	if m.off() {
		return
	}
	m.done = min(m.done+n, m.total)
	switch {
	case m.tty:
		fmt.Fprintf(m.w, "\r\033[K%s", m.Line())
	case m.done*10/m.total > m.shown && m.done < m.total:
		m.shown = m.done * 10 / m.total
		fmt.Fprintln(m.w, m.Line())
	}
}

// Done ends the line: on a terminal it is cleared, for the summary that
// follows; elsewhere nothing more is written.
func (m *Meter) Done() {
	if m.off() || !m.tty {
		return
	}
	fmt.Fprint(m.w, "\r\033[K")
}

// Line is the progress line: "120/400 rows, 35.2 rows/s, about 8 s left".
func (m *Meter) Line() string {
	s := fmt.Sprintf("%d/%d %s", m.done, m.total, m.what)
	el := m.now().Sub(m.start).Seconds()
	if m.done == 0 || el <= 0 {
		return s
	}
	rate := float64(m.done) / el
	s += fmt.Sprintf(", %.1f %s/s", rate, m.what)
	if left := float64(m.total-m.done) / rate; m.done < m.total {
		s += ", about " + Duration(left) + " left"
	}
	return s
}

// Duration writes seconds as "8 s", "3 min 20 s" or "2 h 5 min".
func Duration(sec float64) string {
	s := int64(sec + 0.5)
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 3600:
		return fmt.Sprintf("%d min %d s", s/60, s%60)
	default:
		return fmt.Sprintf("%d h %d min", s/3600, s%3600/60)
	}
}
