package cleverapp

import (
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// accountKind is one of a contact's two account models: money accounts
// («Счета»: integer minor units, with a readable amount_note) and crypto
// accounts («Счета в криптовалюте»: a float amount). The five methods of
// each section behave alike, so one set of handlers serves both.
type accountKind struct {
	table  string // its table
	model  string // the model findOrFail names (inferred)
	ledger string // its column in ca_account_operations
	crypto bool
}

var (
	moneyAccounts  = accountKind{table: "ca_money_accounts", model: "ContactAccount", ledger: "money_account_id"}
	cryptoAccounts = accountKind{table: "ca_crypto_accounts", model: "ContactCryptoAccount", ledger: "crypto_account_id", crypto: true}
)

// account is a row of either table; a money amount is a whole number of
// minor units.
type account struct {
	ID        int64
	ContactID int64
	Currency  string
	Amount    float64
	CreatedAt int64
	UpdatedAt int64
}

const accountColumns = `id, contact_id, currency, amount, created_at, updated_at`

func scanAccount(row interface{ Scan(...any) error }) (account, error) {
	var a account
	err := row.Scan(&a.ID, &a.ContactID, &a.Currency, &a.Amount, &a.CreatedAt, &a.UpdatedAt)
	return a, err
}

// json is the account as the API shows it (field names from the sister
// platforms' schemas).
func (k accountKind) json(a account) jsonx.Object {
	o := jsonx.Object{{Key: "id", Value: a.ID}, {Key: "currency", Value: a.Currency}}
	if k.crypto {
		o = append(o, jsonx.Field{Key: "amount", Value: phpFloat(a.Amount)})
	} else {
		o = append(o, jsonx.Field{Key: "amount", Value: int64(a.Amount)}, jsonx.Field{Key: "amount_note", Value: amountNote(int64(a.Amount), a.Currency)})
	}
	return append(o,
		jsonx.Field{Key: "created_at", Value: laravel.Time(store.FromMicros(a.CreatedAt))},
		jsonx.Field{Key: "updated_at", Value: laravel.Time(store.FromMicros(a.UpdatedAt))},
	)
}

// balance is an amount as the insufficient-funds message shows it.
func (k accountKind) balance(amount float64, code string) string {
	if k.crypto {
		return phpFloatText(amount) + " " + code
	}
	return amountNote(int64(amount), code)
}

// amount reads the request's amount in the kind's unit.
func (k accountKind) amount(in platform.Input) float64 {
	if k.crypto {
		f, _ := in.Float("amount")
		return roundCrypto(f)
	}
	n, _ := in.Int("amount")
	return float64(n)
}

func (p *Platform) getContactAccounts(r *platform.Request) (any, error) {
	return p.listAccounts(r, moneyAccounts)
}
func (p *Platform) addContactAccount(r *platform.Request) (any, error) {
	return p.addAccount(r, moneyAccounts)
}
func (p *Platform) deleteContactAccount(r *platform.Request) (any, error) {
	return p.deleteAccount(r, moneyAccounts)
}
func (p *Platform) addFundsToContactAccount(r *platform.Request) (any, error) {
	return p.changeFunds(r, moneyAccounts, 1)
}
func (p *Platform) withdrawFundsFromContactAccount(r *platform.Request) (any, error) {
	return p.changeFunds(r, moneyAccounts, -1)
}

func (p *Platform) getContactCryptoAccounts(r *platform.Request) (any, error) {
	return p.listAccounts(r, cryptoAccounts)
}
func (p *Platform) addContactCryptoAccount(r *platform.Request) (any, error) {
	return p.addAccount(r, cryptoAccounts)
}
func (p *Platform) deleteContactCryptoAccount(r *platform.Request) (any, error) {
	return p.deleteAccount(r, cryptoAccounts)
}
func (p *Platform) addFundsToContactCryptoAccount(r *platform.Request) (any, error) {
	return p.changeFunds(r, cryptoAccounts, 1)
}
func (p *Platform) withdrawFundsFromContactCryptoAccount(r *platform.Request) (any, error) {
	return p.changeFunds(r, cryptoAccounts, -1)
}

// listAccounts answers a contact's accounts of one kind, oldest first.
func (p *Platform) listAccounts(r *platform.Request, k accountKind) (any, error) {
	contactID, _ := r.Input.Int("contact_id")
	if _, err := p.contactByID(r, contactID); err != nil {
		return nil, err
	}
	rows, err := p.store().Query(r.Context(), `SELECT `+accountColumns+` FROM `+k.table+` WHERE contact_id = ? ORDER BY id`, contactID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	data := []any{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		data = append(data, k.json(a))
	}
	return jsonx.Object{{Key: "data", Value: data}}, rows.Err()
}

// addAccount opens an account in a currency. A contact has one account per
// currency: asking again answers the existing one (inferred: firstOrCreate).
func (p *Platform) addAccount(r *platform.Request, k accountKind) (any, error) {
	contactID, _ := r.Input.Int("contact_id")
	c, err := p.contactByID(r, contactID)
	if err != nil {
		return nil, err
	}
	code := strings.ToUpper(r.Input.String("currency"))
	var a account
	err = r.Write(func(tx *store.Tx) error {
		a, err = openAccount(tx, k, r.TenantID(), p.brand.Name, c.ID, code, 0, r.Now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "data", Value: k.json(a)}}, nil
}

// openAccount finds the contact's account in code or creates it with a
// starting balance (fixtures give one; the API opens accounts empty).
func openAccount(tx *store.Tx, k accountKind, tenantID, brand string, contactID int64, code string, amount float64, now time.Time) (account, error) {
	a, err := scanAccount(tx.QueryRow(`SELECT `+accountColumns+` FROM `+k.table+` WHERE contact_id = ? AND currency = ? ORDER BY id LIMIT 1`, contactID, code))
	if !errors.Is(err, sql.ErrNoRows) {
		return a, err
	}
	at := store.Micros(now)
	id, err := tx.Insert(`INSERT INTO `+k.table+` (tenant_id, brand, contact_id, currency, amount, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		tenantID, brand, contactID, code, amount, at, at)
	return account{ID: id, ContactID: contactID, Currency: code, Amount: amount, CreatedAt: at, UpdatedAt: at}, err
}

// accountByID loads one of the caller's accounts of a kind, in the write's
// transaction that changes it: 404 when the id exists nowhere, 403 when it
// is another tenant's.
func (p *Platform) accountByID(tx *store.Tx, r *platform.Request, k accountKind, id int64) (account, error) {
	a, err := scanAccount(tx.QueryRow(`SELECT `+accountColumns+` FROM `+k.table+` WHERE id = ? AND tenant_id = ? AND brand = ?`,
		id, r.TenantID(), p.brand.Name))
	if errors.Is(err, sql.ErrNoRows) {
		return a, p.missing(r, k.table, k.model, id)
	}
	return a, err
}

func (p *Platform) deleteAccount(r *platform.Request, k accountKind) (any, error) {
	id, _ := r.Input.Int("account_id")
	err := r.Write(func(tx *store.Tx) error {
		if _, err := p.accountByID(tx, r, k, id); err != nil {
			return err
		}
		_, err := tx.Exec(`DELETE FROM `+k.table+` WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return success, nil
}

// changeFunds adds (sign 1) or withdraws (sign -1) an amount and records
// it in the ledger. A balance never goes below zero: withdrawing more than
// there is fails validation on amount (inferred).
func (p *Platform) changeFunds(r *platform.Request, k accountKind, sign float64) (any, error) {
	id, _ := r.Input.Int("account_id")
	amount := k.amount(r.Input)
	var a account
	err := r.Write(func(tx *store.Tx) error {
		var err error
		if a, err = p.accountByID(tx, r, k, id); err != nil {
			return err
		}
		next := a.Amount + sign*amount
		if k.crypto {
			next = roundCrypto(next)
		}
		if next < 0 {
			return errFieldInvalid("amount", "Недостаточно средств на счете: доступно "+k.balance(a.Amount, a.Currency)+".")
		}
		a.Amount, a.UpdatedAt = next, store.Micros(r.Now)
		if _, err := tx.Exec(`UPDATE `+k.table+` SET amount = ?, updated_at = ? WHERE id = ?`, a.Amount, a.UpdatedAt, id); err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO ca_account_operations (`+k.ledger+`, amount, description, created_at) VALUES (?, ?, ?, ?)`,
			id, sign*amount, r.Input.String("description"), a.UpdatedAt)
		return err
	})
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "data", Value: k.json(a)}}, nil
}
