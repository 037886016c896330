package receipt

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/cmd/internal/hexjson"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	proofv1 "github.com/partychain/partychain/proto/partychain/proof/v1"
)

// Verified is what a verified receipt proves: the tx, where it is, who
// signed it, what it did and what it wrote, and who signed its block.
type Verified struct {
	ChainID   string          `json:"chain_id"`
	Height    int64           `json:"height"`
	Time      time.Time       `json:"time"` // Block's header time (UTC)
	Index     uint32          `json:"index"`
	TxHash    string          `json:"tx_hash"` // upper-case hex, as CometBFT prints it
	Signer    string          `json:"signer"`  // the signer's account address, upper-case hex
	Messages  []Message       `json:"messages"`
	Failed    bool            `json:"failed"`
	Code      uint32          `json:"code"`
	Codespace string          `json:"codespace,omitempty"`
	Created   []CreatedID     `json:"created"`
	Writes    []VerifiedWrite `json:"writes"`
	SignedBy  SignedBy        `json:"signed_by"` // Block's commit
	// DecodeError is why the tx's bytes do not decode, for a tx that failed
	// in its block for that reason (a tx that succeeded always decodes).
	DecodeError string `json:"decode_error,omitempty"`
	// CalendarOffsetMinutes places Time in the consortium calendar (from the
	// trust); Words prints times with it.
	CalendarOffsetMinutes int32 `json:"calendar_utc_offset_minutes"`
}

// Message is one of the tx's messages: its action ("member/import") and the
// message in proto3 JSON (original field names).
type Message struct {
	Action string          `json:"action"`
	JSON   json.RawMessage `json:"json"`
	msg    proto.Message
}

// CreatedID is an id a message created (from the result's data).
type CreatedID struct {
	MsgIndex uint32 `json:"msg_index"`
	Kind     string `json:"kind"`
	ID       uint64 `json:"id"`
}

// VerifiedWrite is a proven write, with the record it is and its value in
// proto3 JSON where the key's ledger and kind are known.
type VerifiedWrite struct {
	Key     hexjson.Bytes   `json:"key"` // hex, like every bytes field the CLI prints
	Value   hexjson.Bytes   `json:"value"`
	Deleted bool            `json:"deleted"`
	Record  string          `json:"record,omitempty"` // "member 42", "identity 42", ...
	View    json.RawMessage `json:"view,omitempty"`
	msg     proto.Message
}

// SignedBy counts the validators whose signatures for the block are in its
// commit, of the set that signed it.
type SignedBy struct {
	Validators      int   `json:"validators"`
	ValidatorsTotal int   `json:"validators_total"`
	Power           int64 `json:"power"`
	PowerTotal      int64 `json:"power_total"`
}

// newVerified decodes what the proofs proved.
func newVerified(r *Receipt, t Trust) (*Verified, error) {
	v := &Verified{
		ChainID:               r.ChainID,
		Height:                r.Height,
		Time:                  r.Block.Header.Time.UTC(),
		Index:                 r.Index,
		TxHash:                strings.ToUpper(hex.EncodeToString(txHash(r.Tx.Bytes))),
		Code:                  r.Result.Code,
		Failed:                r.Result.Code != 0,
		CalendarOffsetMinutes: t.CalendarOffsetMinutes,
	}
	var data proofv1.TxResultData
	if err := data.Unmarshal(r.Result.Data); err != nil {
		return nil, fmt.Errorf("result: its data does not decode: %w", err)
	}
	v.Codespace = data.Codespace
	for _, c := range data.Created {
		v.Created = append(v.Created, CreatedID{MsgIndex: c.MsgIndex, Kind: c.Kind, ID: c.Id})
	}
	tx, err := app.DecodeTx(r.Tx.Bytes, r.ChainID)
	switch {
	case err != nil && !v.Failed:
		return nil, fmt.Errorf("tx: it succeeded in its block but does not decode: %w", err)
	case err != nil:
		v.DecodeError = err.Error()
	case !tx.SignatureOK && !v.Failed:
		return nil, fmt.Errorf("tx: it succeeded in its block but its signature does not verify")
	default:
		v.Signer = strings.ToUpper(hex.EncodeToString(tx.Address))
		for i, m := range tx.Messages {
			js, err := hexjson.ProtoSet(m.Msg)
			if err != nil {
				return nil, fmt.Errorf("tx: message %d: %w", i, err)
			}
			v.Messages = append(v.Messages, Message{Action: m.Action, JSON: json.RawMessage(js), msg: m.Msg})
		}
	}
	for _, w := range r.Writes {
		vw := VerifiedWrite{Key: w.Key, Value: w.Value, Deleted: w.Deleted}
		vw.Record, vw.msg = recordOf(w.Key)
		if vw.msg != nil && !w.Deleted {
			if err := proto.Unmarshal(w.Value, vw.msg); err == nil {
				if js, err := hexjson.ProtoSet(vw.msg); err == nil {
					vw.View = json.RawMessage(js)
				}
			} else {
				vw.msg = nil
			}
		}
		v.Writes = append(v.Writes, vw)
	}
	return v, nil
}

// recordKind is a key prefix whose record is known (docs/keys.md): its name
// and a new value message; the key's first 8 bytes after the prefix are an id.
type recordKind struct {
	name string
	val  func() proto.Message
}

var recordKinds = map[[2]byte]recordKind{
	{0x01, 0x01}: {"organization", func() proto.Message { return &orgv1.Organization{} }},
	{0x01, 0x03}: {"officer grant at organization", func() proto.Message { return &orgv1.Officer{} }},
	{0x02, 0x01}: {"member", func() proto.Message { return &memberv1.Member{} }},
	{0x02, 0x03}: {"history of member", func() proto.Message { return &memberv1.HistoryEntry{} }},
	{0x03, 0x01}: {"identity of member", func() proto.Message { return &identityv1.Identity{} }},
	{0x04, 0x01}: {"dues assessment of member", func() proto.Message { return &duesv1.Assessment{} }},
	{0x04, 0x02}: {"dues payment of member", func() proto.Message { return &duesv1.Payment{} }},
	{0x04, 0x05}: {"spend", func() proto.Message { return &duesv1.Spend{} }},
	{0x05, 0x01}: {"meeting", func() proto.Message { return &activityv1.Meeting{} }},
	{0x05, 0x02}: {"attendance at meeting", func() proto.Message { return &activityv1.Attendee{} }},
	{0x06, 0x01}: {"validator organization", func() proto.Message { return &governancev1.Validator{} }},
	{0x06, 0x04}: {"proposal", func() proto.Message { return &governancev1.Proposal{} }},
	{0x06, 0x05}: {"vote on proposal", func() proto.Message { return &governancev1.Vote{} }},
}

// recordOf names the record a key holds ("member 42") and gives a message
// to decode its value into, or "" and nil for a key it does not know.
func recordOf(key []byte) (string, proto.Message) {
	if len(key) < 10 {
		return "", nil
	}
	k, ok := recordKinds[[2]byte{key[0], key[1]}]
	if !ok {
		return "", nil
	}
	return fmt.Sprintf("%s %d", k.name, binary.BigEndian.Uint64(key[2:10])), k.val()
}
