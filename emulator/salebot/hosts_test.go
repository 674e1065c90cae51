package salebot_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEveryDocumentedHostServesTheRealPaths sends seed 003's vk_callback
// example to every host the Salebot docs call the API on, as an unmodified
// client does (real path, Host header), and reads the message back.
func TestEveryDocumentedHostServesTheRealPaths(t *testing.T) {
	documented := []string{
		"chatter.salebot.pro",  // every section of seed 003
		"chatter.Salebot.pro",  // seed 003, email_callback (host names ignore case)
		"chatter.salebot.ai",   // the English docs (docs.salebot.ai)
		"chatter.zmservice.ru", // seed 003, the vk_callback example
	}
	e := newEnv(t, callbackFixture)
	served := e.platform().Hosts()
	for _, host := range documented {
		require.Contains(t, served, strings.ToLower(host))
	}
	require.Len(t, served, 3, "every host the platform serves is one the docs show")
	for _, host := range documented {
		t.Run(host, func(t *testing.T) {
			// params = {"user_id": '146467928', "group_id": '143414131', 'message': 'test'}
			// url = f'https://chatter.zmservice.ru/api/{api}/vk_callback'
			// requests.post(url, json=params)
			body := `{"user_id": "146467928", "group_id": "143414131", "message": "test via ` + host + `"}`
			req, err := http.NewRequest(http.MethodPost, e.f.URL+"/api/"+e.sb.APIKey+"/vk_callback", bytes.NewBufferString(body))
			require.NoError(t, err)
			req.Host = host
			req.Header.Set("Content-Type", "application/json")
			resp, err := e.f.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			answer, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, resp.StatusCode, string(answer))
			require.Equal(t, `{"status":"success"}`, string(answer))
			require.Equal(t, "test via "+host, e.history(2)[0]["text"])
		})
	}
}
