package salebot_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

const formType = "application/x-www-form-urlencoded"

// TestTextThatLooksLikeJSONStaysText: only parameters the spec types as
// objects or arrays are decoded from JSON text.
func TestTextThatLooksLikeJSONStaysText(t *testing.T) {
	e := newEnv(t, remapFixture)
	r := e.post("message", "", formType, "client_id=500&message=[1,2]")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "[1,2]", e.lastText(500))
}

// TestArrayParameterAsJSONTextInAForm: broadcast's clients sent as
// clients=[500] in a form is the list [500].
func TestArrayParameterAsJSONTextInAForm(t *testing.T) {
	e := newEnv(t, remapFixture)
	r := e.post("broadcast", "", formType, "clients=[500]&message=to+the+list")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "to the list", e.lastText(500))
	require.Equal(t, "", e.lastText(49177759), "only the listed client")
}

// TestTopLevelJSONArrayToAnActionThatTakesNone is a format error.
func TestTopLevelJSONArrayToAnActionThatTakesNone(t *testing.T) {
	e := newEnv(t, remapFixture)
	r := e.post("message", "", "application/json", `[{"client_id":500,"message":"hi"}]`)
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, `{"status":"fail","message":"Error in parameter format"}`, string(r.Body))
}

// TestDelimiterPathWithABadIndexLeadsNowhere: an index past a list's end,
// negative or not a number leaves the parameter unset.
func TestDelimiterPathWithABadIndexLeadsNowhere(t *testing.T) {
	e := newEnv(t, remapFixture)
	body := `{"data":[{"id":500}],"message":"m"}`
	r := e.post("message", "delimiter=.&delimiter_value_client_id=data.0.id", "application/json", body)
	require.Equal(t, http.StatusOK, r.Status, "a good index: %s", r.Body)
	for _, path := range []string{"data.1.id", "data.-1.id", "data.x.id", "data.0.id.more", "data.01x.id"} {
		r := e.post("message", "delimiter=.&delimiter_value_client_id="+path, "application/json", body)
		require.Equal(t, http.StatusBadRequest, r.Status, path)
		require.Equal(t, `{"status":"fail","message":"Parameter \"client_id\" required"}`, string(r.Body), path)
	}
}
