// Package salebot emulates the Salebot constructor API
// (https://chatter.salebot.pro/api/{api_key}/{action}): a project per
// tenant with API keys and their permissions, connected channels, clients and
// their variables, deals in a funnel, lists, the message history, scheduled
// sends on the emulator's clock and the project's outgoing webhook.
package salebot

import (
	"fmt"
	"path"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/spec"
	"github.com/fakebots/fakebots/emulator/webhook"
	"github.com/fakebots/fakebots/specs"
)

// Name is the platform's id.
const Name = "salebot"

// Messages scheduled with time_shift or send_time are recorded when due.
var _ platform.Scheduler = (*Platform)(nil)

// Platform is the emulated Salebot.
type Platform struct {
	spec     *spec.Spec
	env      *platform.Env
	handlers map[string]platform.Handler // by action
	rules    map[string]*opRules         // by operation id
	hooks    *webhook.Dispatcher
	keys     keyCache
}

// New builds the platform from specs/salebot.yaml.
func New(env *platform.Env) (platform.Platform, error) {
	raw, err := specs.Platform(Name)
	if err != nil {
		return nil, err
	}
	s, err := spec.Load(Name, raw)
	if err != nil {
		return nil, err
	}
	rules, err := spec.Derived(s, "salebot rules", allRules)
	if err != nil {
		return nil, err
	}
	p := &Platform{spec: s, env: env, rules: rules, hooks: webhook.New(webhook.WithGuard(env.ReachesSelf))}
	p.handlers = p.routes()
	for _, op := range s.Operations {
		if action := rules[op.ID].action; p.handlers[action] == nil {
			return nil, fmt.Errorf("spec %s: %s: no handler for action %q", Name, op.ID, action)
		}
	}
	return p, nil
}

// allRules reads every operation's rules, by operation id.
func allRules(s *spec.Spec) (map[string]*opRules, error) {
	rules := map[string]*opRules{}
	for _, op := range s.Operations {
		r, err := loadRules(op)
		if err != nil {
			return nil, fmt.Errorf("spec %s: %s: %w", Name, op.ID, err)
		}
		rules[op.ID] = r
	}
	return rules, nil
}

// routes maps every action to its handler; the GET and POST operations of
// an action share it.
func (p *Platform) routes() map[string]platform.Handler {
	return map[string]platform.Handler{
		"callback":                     p.callback,
		"vk_callback":                  p.messengerCallback,
		"ok_callback":                  p.messengerCallback,
		"tg_callback":                  p.messengerCallback,
		"whatsapp_callback":            p.whatsappCallback,
		"email_callback":               p.emailCallback,
		"send_callback_by_platform_id": p.sendCallbackByPlatformID,

		"message":          p.message,
		"whatsapp_message": p.whatsappMessage,
		"broadcast":        p.broadcast,
		"get_history":      p.getHistory,
		"clear_history":    p.clearHistory,

		"assign_to_user":   p.assignToUser,
		"load_clients":     p.loadClients,
		"add_to_list":      p.addToList,
		"remove_from_list": p.removeFromList,
		"get_clients":      p.getClients,
		"delete_clients":   p.deleteClients,

		"save_variables": p.saveVariables,
		"get_variables":  p.getVariables,

		"find_client_id_by_platform_id":      p.findClientIDByPlatformID,
		"online_chat_client_id":              p.onlineChatClientID,
		"whatsapp_client_id":                 p.whatsappClientID,
		"find_client_id_by_phone":            p.findClientIDByPhone,
		"find_client_id_by_email":            p.findClientIDByEmail,
		"find_client_id_by_var":              p.findClientIDByVar,
		"find_latest_client_id_by_var":       p.findLatestClientIDByVar,
		"find_all_client_id_by_var":          p.findAllClientIDByVar,
		"find_all_client_id_by_several_vars": p.findAllClientIDBySeveralVars,
		"find_clients":                       p.findClients,

		"get_current_order_id":     p.getCurrentOrderID,
		"get_orders":               p.getOrders,
		"move_order_to_next_state": p.moveOrderToNextState,
		"get_order_vars":           p.getOrderVars,
		"set_order_vars":           p.setOrderVars,
		"create_order":             p.createOrder,
		"set_order_state":          p.setOrderState,
		"get_order_state":          p.getOrderState,

		"check_whatsapp":     p.checkWhatsApp,
		"connected_channels": p.connectedChannels,
		"get_messages":       p.getMessages,
	}
}

func (p *Platform) Name() string     { return Name }
func (p *Platform) Spec() *spec.Spec { return p.spec }

// Hosts are the real API hosts; their paths are the real ones. The docs
// call the API on chatter.salebot.pro, on chatter.salebot.ai (the English
// docs) and, in one example, on chatter.zmservice.ru.
func (p *Platform) Hosts() []string {
	return []string{"chatter.salebot.pro", "chatter.salebot.ai", "chatter.zmservice.ru"}
}

// Handler returns the handler of an operation.
func (p *Platform) Handler(id string) platform.Handler {
	if r := p.rules[id]; r != nil {
		return p.handlers[r.action]
	}
	return nil
}

// Close stops the webhook deliveries in flight.
func (p *Platform) Close() error { return p.hooks.Close() }

// rulesOf is the operation's rules.
func (p *Platform) rulesOf(r *platform.Request) *opRules { return p.rules[r.Operation.ID] }

// opRules are an operation's x- extensions: Salebot's rules that JSON
// Schema does not say.
type opRules struct {
	action     string              // the path's last segment
	permission string              // x-permission
	valueRemap map[string]string   // x-value-remap: canonical → parameter
	delimiter  map[string]string   // x-delimiter: canonical → parameter
	extraVars  bool                // x-extra-variables
	arrayBody  string              // x-array-body
	requireAny [][]string          // x-require-any
	exclusive  []string            // x-exclusive
	requires   map[string][]string // x-requires
	clientType *int                // x-client-type: the messenger of user_id callbacks
	declared   map[string]bool     // the input schema's properties
}

func loadRules(op *spec.Operation) (*opRules, error) {
	r := &opRules{action: path.Base(op.Path), declared: map[string]bool{}}
	for _, ext := range []struct {
		name string
		v    any
	}{
		{"x-permission", &r.permission},
		{"x-value-remap", &r.valueRemap},
		{"x-delimiter", &r.delimiter},
		{"x-extra-variables", &r.extraVars},
		{"x-array-body", &r.arrayBody},
		{"x-require-any", &r.requireAny},
		{"x-exclusive", &r.exclusive},
		{"x-requires", &r.requires},
		{"x-client-type", &r.clientType},
	} {
		if _, err := op.Extension(ext.name, ext.v); err != nil {
			return nil, fmt.Errorf("%s: %w", ext.name, err)
		}
	}
	if !validPermission(r.permission) {
		return nil, fmt.Errorf("x-permission must be one of %v, got %q", permissions, r.permission)
	}
	if op.Input != nil {
		for name := range op.Input.Properties {
			r.declared[name] = true
		}
	}
	return r, nil
}
