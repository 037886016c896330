package client

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
)

// TestBroadcastRefusalKeepsFields: broadcast_tx_sync returns no Info, so
// the app puts a mempool refusal's fields in Data too; Broadcast reads them
// back into the result's Info. Data that is not fields is not taken.
func TestBroadcastRefusalKeepsFields(t *testing.T) {
	refusal := contracts.NotADate("admission_date", 20270230)
	info := contracts.FieldsInfo(refusal)
	for _, tc := range []struct {
		name, data, want string
	}{
		{"fields", info, info},
		{"other data", "not fields", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var req struct {
					ID     json.RawMessage `json:"id"`
					Method string          `json:"method"`
				}
				if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Method != "broadcast_tx_sync" {
					http.Error(w, "unexpected request", http.StatusBadRequest)
					return
				}
				fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"code":2,"codespace":"date","log":%q,"data":"%s","hash":"AB"}}`,
					req.ID, refusal.Error(), strings.ToUpper(hex.EncodeToString([]byte(tc.data))))
			}))
			defer srv.Close()
			c, err := New(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.Broadcast(context.Background(), []byte("tx"))
			if err != nil {
				t.Fatal(err)
			}
			if res.Code != 2 || res.Codespace != "date" || res.Height != 0 || res.Info != tc.want {
				t.Fatalf("result %+v, want date/2 with info %q", res, tc.want)
			}
		})
	}
}
