package cleverapp_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The two account sections behave alike; only the unit differs: money
// accounts count minor units and say the balance in words, crypto accounts
// keep a fractional amount.
func TestAccountLifecycle(t *testing.T) {
	for _, c := range []struct {
		section            string // the methods' middle word
		currency, code     string // sent, and as answered
		add, take, tooMuch any
		opened             string // the new account's amount field(s)
		afterAdd           string
		afterTake          string
		short              string // the 422 for taking too much
	}{
		{section: "ContactAccount", currency: "rub", code: "RUB", add: 10000, take: 2550, tooMuch: 7451,
			opened: `"amount":0,"amount_note":"0.00 ₽"`, afterAdd: `"amount":10000,"amount_note":"100.00 ₽"`,
			afterTake: `"amount":7450,"amount_note":"74.50 ₽"`, short: "Недостаточно средств на счете: доступно 74.50 ₽."},
		{section: "ContactCryptoAccount", currency: "btc", code: "BTC", add: 0.3, take: 0.1, tooMuch: 0.20000001,
			opened: `"amount":0`, afterAdd: `"amount":0.3`, afterTake: `"amount":0.2`,
			short: "Недостаточно средств на счете: доступно 0.2 BTC."},
	} {
		t.Run(c.section, func(t *testing.T) {
			f := newFake(t)
			at(t, f, "2024-03-01T12:00:00Z")
			contact := newContact(t, f, "Иван Иванов")
			account := func(amount, updated string) string {
				return `{"id":1,"currency":"` + c.code + `",` + amount + `,"created_at":"2024-03-01T12:00:00+00:00","updated_at":"` + updated + `"}`
			}
			opened := `{"data":` + account(c.opened, "2024-03-01T12:00:00+00:00") + `}`
			for i := 0; i < 2; i++ { // opening it again answers the same account
				r := call(t, f, http.MethodPost, "add"+c.section, map[string]any{"contact_id": contact, "currency": c.currency})
				assertAnswer(t, f, "add"+c.section, r, http.StatusOK, opened)
			}

			f.Advance(t, time.Minute)
			r := call(t, f, http.MethodPost, "addFundsTo"+c.section, map[string]any{"account_id": 1, "amount": c.add, "description": "Пополнение"})
			assertAnswer(t, f, "addFundsTo"+c.section, r, http.StatusOK, `{"data":`+account(c.afterAdd, "2024-03-01T12:01:00+00:00")+`}`)
			r = call(t, f, http.MethodPost, "withdrawFundsFrom"+c.section, map[string]any{"account_id": 1, "amount": c.take, "description": "Заказ №1"})
			afterTake := account(c.afterTake, "2024-03-01T12:01:00+00:00")
			assertAnswer(t, f, "withdrawFundsFrom"+c.section, r, http.StatusOK, `{"data":`+afterTake+`}`)

			r = call(t, f, http.MethodPost, "withdrawFundsFrom"+c.section, map[string]any{"account_id": 1, "amount": c.tooMuch, "description": "Заказ №2"})
			assertAnswer(t, f, "withdrawFundsFrom"+c.section, r, http.StatusUnprocessableEntity,
				`{"message":"The given data was invalid.","errors":{"amount":["`+c.short+`"]}}`)

			r = invoke(t, f, "get"+c.section+"s", map[string]any{"contact_id": contact})
			assertAnswer(t, f, "get"+c.section+"s", r, http.StatusOK, `{"data":[`+afterTake+`]}`)

			r = call(t, f, http.MethodPost, "delete"+c.section, map[string]any{"account_id": 1})
			assertAnswer(t, f, "delete"+c.section, r, http.StatusOK, `{"success":true}`)
			r = invoke(t, f, "get"+c.section+"s", map[string]any{"contact_id": contact})
			assertAnswer(t, f, "get"+c.section+"s", r, http.StatusOK, `{"data":[]}`)
			r = call(t, f, http.MethodPost, "delete"+c.section, map[string]any{"account_id": 1})
			assertAnswer(t, f, "delete"+c.section, r, http.StatusNotFound, `{"message":"No query results for model [App\\`+c.section+`] 1"}`)
		})
	}
}

// A money account id is not a crypto account id: the two are separate models.
func TestAccountKindsDoNotMix(t *testing.T) {
	w := newWorld(t)
	r := call(t, w.Fake, http.MethodPost, "deleteContactCryptoAccount", map[string]any{"account_id": w.mine.account + 1000})
	require.Equal(t, http.StatusNotFound, r.Status, string(r.Body))
	var before struct{ Data []struct{ ID int64 } }
	ok(t, w.Fake, http.MethodGet, "getContactAccounts", map[string]any{"contact_id": w.mine.contact}, &before)
	require.Len(t, before.Data, 1)
}

// Amounts print as the PHP backend prints them: a tiny crypto amount with
// an exponent, currencies without minor units without decimals.
func TestAmountsAsPHPWritesThem(t *testing.T) {
	f := newFake(t)
	contact := newContact(t, f, "Иван Иванов")
	var crypto, money struct{ Data struct{ ID int64 } }
	ok(t, f, http.MethodPost, "addContactCryptoAccount", map[string]any{"contact_id": contact, "currency": "BTC"}, &crypto)
	r := ok(t, f, http.MethodPost, "addFundsToContactCryptoAccount", map[string]any{"account_id": crypto.Data.ID, "amount": "0.00001", "description": "Сдача"}, nil)
	require.Contains(t, string(r.Body), `"amount":1.0e-5,`)

	ok(t, f, http.MethodPost, "addContactAccount", map[string]any{"contact_id": contact, "currency": "JPY"}, &money)
	r = ok(t, f, http.MethodPost, "addFundsToContactAccount", map[string]any{"account_id": money.Data.ID, "amount": 1500, "description": "Бонус"}, nil)
	require.Contains(t, string(r.Body), `"amount":1500,"amount_note":"1500 ¥"`)
}

// A balance may go down to zero exactly.
func TestWithdrawingTheWholeBalanceLeavesZero(t *testing.T) {
	f := newFake(t)
	at(t, f, "2024-03-01T12:00:00Z")
	var account struct{ Data struct{ ID int64 } }
	ok(t, f, http.MethodPost, "addContactAccount", map[string]any{"contact_id": newContact(t, f, "Иван Иванов"), "currency": "RUB"}, &account)
	ok(t, f, http.MethodPost, "addFundsToContactAccount", map[string]any{"account_id": account.Data.ID, "amount": 2550, "description": "Пополнение"}, nil)
	r := call(t, f, http.MethodPost, "withdrawFundsFromContactAccount", map[string]any{"account_id": account.Data.ID, "amount": 2550, "description": "Заказ"})
	assertAnswer(t, f, "withdrawFundsFromContactAccount", r, http.StatusOK, `{"data":{"id":`+fmt.Sprint(account.Data.ID)+
		`,"currency":"RUB","amount":0,"amount_note":"0.00 ₽","created_at":"2024-03-01T12:00:00+00:00","updated_at":"2024-03-01T12:00:00+00:00"}}`)
}

// Every change of funds is kept in the ledger: the account, the signed
// amount, the description and the time.
func TestFundsChangesAreKeptInTheLedger(t *testing.T) {
	b := newBrokenDB(t)
	ok(t, b.Fake, http.MethodPost, "addFundsToContactAccount", map[string]any{"account_id": b.mine.account, "amount": 300, "description": "Бонус"}, nil)
	ok(t, b.Fake, http.MethodPost, "withdrawFundsFromContactAccount", map[string]any{"account_id": b.mine.account, "amount": 120, "description": "Заказ"}, nil)
	ok(t, b.Fake, http.MethodPost, "addFundsToContactCryptoAccount", map[string]any{"account_id": b.mine.crypto, "amount": 0.25, "description": "Сдача"}, nil)
	ok(t, b.Fake, http.MethodPost, "withdrawFundsFromContactCryptoAccount", map[string]any{"account_id": b.mine.crypto, "amount": 0.05, "description": "Вывод"}, nil)
	rows, err := b.db.Query(`SELECT COALESCE(money_account_id, 0), COALESCE(crypto_account_id, 0), amount, description, created_at FROM ca_account_operations
		WHERE money_account_id = ? OR crypto_account_id = ? ORDER BY id`, b.mine.account, b.mine.crypto)
	require.NoError(t, err)
	defer rows.Close()
	var ledger []string
	for rows.Next() {
		var money, crypto, created int64
		var amount float64
		var description string
		require.NoError(t, rows.Scan(&money, &crypto, &amount, &description, &created))
		ledger = append(ledger, fmt.Sprintf("%d %d %v %s %s", money, crypto, amount, description, time.UnixMicro(created).UTC().Format(time.RFC3339)))
	}
	require.NoError(t, rows.Err())
	now := b.Tenant.Now(t).Format(time.RFC3339)
	m, c := fmt.Sprint(b.mine.account), fmt.Sprint(b.mine.crypto)
	require.Equal(t, []string{
		m + " 0 300 Бонус " + now, m + " 0 -120 Заказ " + now,
		"0 " + c + " 0.25 Сдача " + now, "0 " + c + " -0.05 Вывод " + now,
	}, ledger)
}
