package salebot_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

func TestABodyPastTheCapIsRefusedWithSalebotsError(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false), emulator.WithMaxBodyBytes(1<<10)))
	sb := &f.Tenant.Salebot
	r := f.Do(t, "POST", sb.KeyURL(sb.APIKey, "message"), `{"client_id":1,"message":"`+strings.Repeat("x", 2<<10)+`"}`, "Content-Type", "application/json")
	require.Equal(t, http.StatusRequestEntityTooLarge, r.Status)
	require.Equal(t, `{"status":"error","message":"request body too large"}`, string(r.Body))
}
