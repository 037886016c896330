// Package problems collects what is wrong with an input (a roster, a
// file) before anything is sent, so that a clerk gets every problem in
// one list, with a problem repeated on many rows said once with their row
// numbers.
package problems

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// At is a place in a roster: a data row (from 1) and the line of the
// file where it starts. As a %s argument it reads "row N (line L)".
type At struct {
	Row, Line int
}

func (a At) String() string { return fmt.Sprintf("row %d (line %d)", a.Row, a.Line) }

// maxRowsNamed bounds the rows a grouped line names.
const maxRowsNamed = 20

// DefaultMax bounds the lines a List prints.
const DefaultMax = 50

// List is the problems of one input, in the order first seen. The same
// message on several rows is one entry naming all of them.
type List struct {
	What string // the input's name, such as the file
	Max  int    // lines printed at most; DefaultMax if 0

	order []string
	at    map[string][]At
	count int
}

// Add records a problem. A format that starts with "%s: " and whose
// first argument is an At is a row's problem: the same message on other
// rows is grouped with it.
func (l *List) Add(format string, args ...any) {
	if l.at == nil {
		l.at = map[string][]At{}
	}
	l.count++
	var where []At
	if len(args) > 0 && strings.HasPrefix(format, "%s: ") {
		if a, ok := args[0].(At); ok {
			format, args, where = format[len("%s: "):], args[1:], []At{a}
		}
	}
	msg := fmt.Sprintf(format, args...)
	if _, seen := l.at[msg]; !seen {
		l.order = append(l.order, msg)
		l.at[msg] = where
		return
	}
	if where == nil || l.at[msg] == nil {
		// The same problem without a row: a second, separate line.
		msg += "\x00" + strconv.Itoa(l.count)
		l.order = append(l.order, msg)
		l.at[msg] = where
		return
	}
	l.at[msg] = append(l.at[msg], where...)
}

// Len is the number of problems added (a grouped line counts each row).
func (l *List) Len() int { return l.count }

// Lines are the problems as printed: one line per distinct message.
func (l *List) Lines() []string {
	out := make([]string, 0, len(l.order))
	for _, msg := range l.order {
		text, _, _ := strings.Cut(msg, "\x00")
		out = append(out, prefix(l.at[msg])+text)
	}
	return out
}

// prefix names the rows of a grouped message.
func prefix(at []At) string {
	switch len(at) {
	case 0:
		return ""
	case 1:
		return at[0].String() + ": "
	}
	shown := at[:min(len(at), maxRowsNamed)]
	rows := make([]string, len(shown))
	lines := make([]string, len(shown))
	for i, a := range shown {
		rows[i], lines[i] = strconv.Itoa(a.Row), strconv.Itoa(a.Line)
	}
	more := ""
	if len(at) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(at)-len(shown))
	}
	return fmt.Sprintf("%d rows %s%s (lines %s%s): ", len(at), strings.Join(rows, ", "), more, strings.Join(lines, ", "), more)
}

// Err is nil without problems, else one error listing them all, saying
// that nothing was sent.
func (l *List) Err() error {
	if l.count == 0 {
		return nil
	}
	lines := l.Lines()
	max := l.Max
	if max <= 0 {
		max = DefaultMax
	}
	more := 0
	if len(lines) > max {
		more, lines = len(lines)-max, lines[:max]
	}
	msg := fmt.Sprintf("%s: %d problem(s); nothing was sent:\n  %s", l.What, l.count, strings.Join(lines, "\n  "))
	if more > 0 {
		msg += fmt.Sprintf("\n  ... and %d more", more)
	}
	return errors.New(msg)
}
