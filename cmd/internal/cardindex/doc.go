// Package cardindex is the clerk's local index of the member cards in one
// card folder, so that a person is not registered twice by mistake: before a
// registration or an import is sent, the client asks the index whether a
// card in the folder already holds the same ID number.
//
// The index never holds an ID number, nor anything a person's data can be
// read back from: it holds, per card file, an HMAC-SHA256 of the card's
// normalized id_number field under a 32-byte secret key kept in the same
// folder (.card-index.key, mode 0600, made on first use). Without the key a
// digest cannot be tested against guessed ID numbers (a bare hash of an
// 18-digit ID number is easy to brute-force). The index (.card-index.json,
// mode 0600) is a cache: it is brought up to date with the folder's *.json
// files at every Open, and made again from the cards if the key or the index
// is lost.
//
// Nothing in this package talks to a node: the index and the key never leave
// the machine.
package cardindex
