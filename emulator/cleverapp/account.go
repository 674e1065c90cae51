package cleverapp

import (
	"fmt"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// Plans an account can be on; the API answers only PRO accounts.
const (
	PlanPro  = "pro"
	PlanFree = "free"
)

func (p *Platform) getMe(r *platform.Request) (any, error) {
	var id, created int64
	var name, email, phone string
	err := p.store().QueryRow(r.Context(), `SELECT id, name, email, phone, created_at FROM ca_accounts WHERE tenant_id = ? AND brand = ?`,
		r.TenantID(), p.brand.Name).Scan(&id, &name, &email, &phone, &created)
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "data", Value: jsonx.Object{
		{Key: "id", Value: id},
		{Key: "name", Value: name},
		{Key: "email", Value: email},
		{Key: "phone", Value: phone},
		{Key: "created_at", Value: laravel.Time(store.FromMicros(created))},
	}}}, nil
}

// loginPage is where Laravel sends a guest that does not expect JSON; a
// client following the redirect lands on the web app's login form.
func (p *Platform) loginPage(r *platform.Request) (any, error) {
	return htmlPage(fmt.Sprintf(`<!DOCTYPE html>
<html lang="ru">
<head><meta charset="utf-8"><title>%s — Вход</title></head>
<body><form method="POST" action="%s/login"><input type="email" name="email"><input type="password" name="password"><button type="submit">Войти</button></form></body>
</html>
`, p.brand.Title, r.BaseURL)), nil
}
