package state

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestViewAtEveryHeight: the view of each height from 1 to 30, read through
// the undo records of the heights above it, holds exactly the state
// (values, present empty values, keys deleted or created since) and the
// app hash that height had; a height older than the undo window is
// ErrPruned and names the oldest that can be read.
func TestViewAtEveryHeight(t *testing.T) {
	s, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := newUndoModel(7, 30)
	m.run(t, s, 1, 30)
	for h := int64(1); h <= 30; h++ {
		v, err := s.ViewAt(h)
		if err != nil {
			t.Fatalf("height %d: %v", h, err)
		}
		got := map[string]string{}
		it := v.Iterator(nil, nil)
		for ; it.Valid(); it.Next() {
			got[string(it.Key())] = string(it.Value())
		}
		it.Close()
		if fmt.Sprint(got) != fmt.Sprint(m.states[h]) {
			t.Fatalf("height %d: view\n%v\nwant\n%v", h, got, m.states[h])
		}
		if !bytes.Equal(v.AppHash, m.hashes[h]) || v.Height != h {
			t.Fatalf("height %d: view of height %d app hash %X, want %X", h, v.Height, v.AppHash, m.hashes[h])
		}
		v.Close()
	}
	if s.LastHeight() != 30 {
		t.Fatalf("views changed the store: at %d", s.LastHeight())
	}
	if _, err := s.ViewAt(31); err == nil {
		t.Fatal("a view above the last height")
	}

	p, err := OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.SetUndoHeights(4)
	newUndoModel(7, 30).run(t, p, 1, 30)
	if _, err := p.ViewAt(20); !errors.Is(err, ErrPruned) || !strings.Contains(err.Error(), "the oldest height that can be exported is 26") {
		t.Fatalf("pruned height: %v", err)
	}
	if v, err := p.ViewAt(26); err != nil {
		t.Fatalf("the oldest kept: %v", err)
	} else {
		v.Close()
	}
}
