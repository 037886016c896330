package receipt

import (
	"encoding/json"
	"strings"
	"testing"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmttypes "github.com/cometbft/cometbft/types"
)

func TestTrustFromGenesis(t *testing.T) {
	doc := func(appState string, vals bool) []byte {
		d := cmttypes.GenesisDoc{ChainID: testChainID, GenesisTime: chainStart, InitialHeight: 1}
		if appState != "" {
			d.AppState = json.RawMessage(appState)
		}
		if vals {
			for _, v := range fourVals.set.Validators {
				d.Validators = append(d.Validators, cmttypes.GenesisValidator{Address: v.Address, PubKey: v.PubKey, Power: v.VotingPower})
			}
		}
		b, err := cmtjson.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		appState string
		offset   int32
	}{
		{"", DefaultCalendarOffsetMinutes},
		{`{"member":{}}`, DefaultCalendarOffsetMinutes},
		{`{"org":{"params":{"calendar_utc_offset_minutes":60}}}`, 60},
		{`{"org":{"params":{"calendarUtcOffsetMinutes":-300}}}`, -300},
		{`{"org":{"params":{"calendar_utc_offset_minutes":"540"}}}`, 540},
		{`{"org":{"params":{"max_depth":5}}}`, 0}, // proto3: a field left out is 0
	} {
		tr, err := TrustFromGenesis(doc(tc.appState, true))
		if err != nil {
			t.Fatalf("%s: %v", tc.appState, err)
		}
		if tr.ChainID != testChainID || tr.CalendarOffsetMinutes != tc.offset || string(tr.Hash) != string(fourVals.set.Hash()) {
			t.Fatalf("%s: trust %+v", tc.appState, tr)
		}
	}
	if _, err := TrustFromGenesis(doc("", false)); err == nil || !strings.Contains(err.Error(), "names no validators") {
		t.Fatalf("no validators: %v", err)
	}
	if _, err := TrustFromGenesis([]byte(`{"chain_id":`)); err == nil || !strings.HasPrefix(err.Error(), "genesis: ") {
		t.Fatalf("bad JSON: %v", err)
	}
	tr := TrustValidatorsHash(fourVals.set.Hash())
	if tr.ChainID != "" || tr.Validators != nil || tr.CalendarOffsetMinutes != DefaultCalendarOffsetMinutes {
		t.Fatalf("hash trust %+v", tr)
	}
	if _, err := Verify(goodChain(t).receipt, Trust{}); err == nil || !strings.Contains(err.Error(), "trust: no trusted validator set") {
		t.Fatalf("empty trust: %v", err)
	}
}
