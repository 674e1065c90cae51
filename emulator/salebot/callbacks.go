package salebot

import (
	"strings"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// A callback starts the bot's funnel for a client; the client does not see
// it. The emulator runs no bot scheme: it keeps the callback in the history
// (as the client's, message_from_outside 3) and in the outbox, on time.

// findClient resolves the callback's client inside the transaction.
type findClient func(tx *store.Tx, pr *project) (client, error)

// runCallback sends message to the client find returns, at its time, after
// saving the undeclared parameters as client variables (documented).
func (p *Platform) runCallback(r *platform.Request, find findClient) (any, error) {
	pr := projectOf(r)
	due, err := dueAt(r.Input, r.Now, pr.loc)
	if err != nil {
		return nil, err
	}
	o := outgoing{ClientReplica: true, FromOutside: fromCallback, Callback: true, ResumeBot: platform.Truthy(r.Input["resume_bot"])}
	var hook *pendingHook
	err = p.write(r, func(tx *store.Tx) error {
		c, err := find(tx, pr)
		if err != nil {
			return err
		}
		if err := p.saveExtras(tx, pr, r, c.ID); err != nil {
			return err
		}
		hook, err = p.send(tx, pr, r, c, r.Input.String("message"), o, due)
		return err
	})
	if err != nil {
		return nil, err
	}
	p.dispatch(appendHook(nil, hook))
	return success, nil
}

// saveExtras stores the parameters the action does not declare as client
// variables; the remapping parameters themselves are left out.
func (p *Platform) saveExtras(tx *store.Tx, pr *project, r *platform.Request, clientID int64) error {
	rules := p.rulesOf(r)
	if !rules.extraVars {
		return nil
	}
	for _, name := range sortedKeys(r.Input) {
		if rules.declared[name] || isControlParam(name) {
			continue
		}
		if err := setVar(tx, clientVars, pr.TenantID, clientID, name, r.Input[name]); err != nil {
			return err
		}
	}
	return touch(tx, pr.TenantID, clientID, r.Now)
}

// byClientID finds client_id when it was sent.
func byClientID(r *platform.Request, tx *store.Tx, pr *project) (client, bool, error) {
	if !r.Input.Present("client_id") {
		return client{}, false, nil
	}
	id, _ := r.Input.Int("client_id")
	c, err := clientByID(tx, pr.TenantID, id)
	return c, true, err
}

// callback finds the client by client_id, client_phone or client_email.
func (p *Platform) callback(r *platform.Request) (any, error) {
	return p.runCallback(r, func(tx *store.Tx, pr *project) (client, error) {
		if c, ok, err := byClientID(r, tx, pr); ok {
			return c, err
		}
		if r.Input.Present("client_phone") {
			phone := digits(r.Input.String("client_phone"))
			if phone == "" {
				return client{}, errClientNotFound
			}
			return clientByPhone(tx, pr.TenantID, phone)
		}
		return clientByEmail(tx, pr.TenantID, strings.ToLower(strings.TrimSpace(r.Input.String("client_email"))))
	})
}

// messengerCallback (vk_callback, ok_callback, tg_callback) finds the client
// by its messenger user id in the group; the client must exist (inferred).
func (p *Platform) messengerCallback(r *platform.Request) (any, error) {
	clientType := -1 // any messenger, when the spec names none
	if t := p.rulesOf(r).clientType; t != nil {
		clientType = *t
	}
	return p.runCallback(r, func(tx *store.Tx, pr *project) (client, error) {
		if c, ok, err := byClientID(r, tx, pr); ok {
			return c, err
		}
		userID := strings.TrimSpace(r.Input.String("user_id"))
		return clientByPlatformID(tx, pr.TenantID, userID, clientType, r.Input.String("group_id"))
	})
}

// whatsappCallback starts the WhatsApp bot (bot_id, or the first) for a
// number, creating the client (named name) when needed.
func (p *Platform) whatsappCallback(r *platform.Request) (any, error) {
	return p.runCallback(r, func(tx *store.Tx, pr *project) (client, error) {
		if c, ok, err := byClientID(r, tx, pr); ok {
			return c, err
		}
		botID, _ := r.Input.Int("bot_id")
		ch, err := whatsAppChannel(tx, pr.TenantID, botID)
		if err != nil {
			return client{}, err
		}
		id := whatsAppID(r.Input.String("phone"))
		if id == "" {
			return client{}, errFormat
		}
		c, _, err := findOrCreate(tx, pr, newClient{PlatformID: id, ClientType: typeWhatsApp, Group: ch.Group, Name: r.Input.String("name"), CreatedAt: r.Now})
		return c, err
	})
}

// emailCallback finds the e-mail client of the bot address email_id_bot
// (or the project's e-mail channel), creating it when absent (documented).
func (p *Platform) emailCallback(r *platform.Request) (any, error) {
	return p.runCallback(r, func(tx *store.Tx, pr *project) (client, error) {
		if c, ok, err := byClientID(r, tx, pr); ok {
			return c, err
		}
		email := strings.ToLower(strings.TrimSpace(r.Input.String("email")))
		if email == "" {
			return client{}, errFormat
		}
		group := strings.TrimSpace(r.Input.String("email_id_bot"))
		if group == "" {
			ch, _, err := channelFor(tx, pr.TenantID, typeEmail, "")
			if err != nil {
				return client{}, err
			}
			group = ch.Group
		}
		c, _, err := findOrCreate(tx, pr, newClient{PlatformID: email, ClientType: typeEmail, Group: group, Name: r.Input.String("name"), CreatedAt: r.Now})
		return c, err
	})
}

// sendCallbackByPlatformID sends callback_text to every client of the
// project (of group_id's bot, if given) with one of the platform ids; the
// documented limit of 300 is the schema's. Unknown ids are skipped.
func (p *Platform) sendCallbackByPlatformID(r *platform.Request) (any, error) {
	pr := projectOf(r)
	due, err := dueAt(r.Input, r.Now, pr.loc)
	if err != nil {
		return nil, err
	}
	o := outgoing{ClientReplica: true, FromOutside: fromCallback, Callback: true}
	var hooks []*pendingHook
	err = p.write(r, func(tx *store.Tx) error {
		clients, err := clientsByPlatformIDs(tx, pr.TenantID, r.Input["platform_ids"].([]any), r.Input.String("group_id"))
		if err != nil {
			return err
		}
		for _, c := range clients {
			h, err := p.send(tx, pr, r, c, r.Input.String("callback_text"), o, due)
			if err != nil {
				return err
			}
			hooks = appendHook(hooks, h)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.dispatch(hooks)
	return success, nil
}
