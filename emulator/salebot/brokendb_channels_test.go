package salebot_test

import (
	"testing"
)

// brokenFixture is callbackFixture with a block of the bot scheme.
var brokenFixture = map[string]any{"salebot": map[string]any{
	"channels": callbackFixture["salebot"].(map[string]any)["channels"],
	"clients":  callbackFixture["salebot"].(map[string]any)["clients"],
	"blocks":   []any{map[string]any{"id": 390, "condition": "Старт", "answer": "Здравствуйте!"}},
}}

func TestReadsFailOnABrokenDatabase(t *testing.T) {
	b := newBrokenEnv(t, brokenFixture)
	for _, c := range []struct {
		name, action, table, column string
		breaks                      func(table, column string)
		cause                       string
	}{
		{"channels gone", "connected_channels", "sb_channels", "", nil, "no such table: sb_channels"},
		{"channel unreadable", "connected_channels", "sb_channels", "name", b.nulled, "converting NULL"},
		{"channels fail midway", "connected_channels", "sb_channels", "name", b.overflowing, "integer overflow"},
		{"whatsapp channel gone", "check_whatsapp?phone=79990001122", "sb_channels", "", nil, "no such table: sb_channels"},
		{"blocks gone", "get_messages", "sb_blocks", "", nil, "no such table: sb_blocks"},
		{"block unreadable", "get_messages", "sb_blocks", "answer", b.nulled, "converting NULL"},
		{"blocks fail midway", "get_messages", "sb_blocks", "answer", b.overflowing, "integer overflow"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer b.breakTable(c.table, c.column, c.breaks)()
			b.failsInternally(t, "GET", c.action, nil, c.cause)
		})
	}
}
