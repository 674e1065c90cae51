package bothelp

import (
	"encoding/json"
	"strconv"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// message is one message to deliver: a text or an image.
type message struct {
	kind string // text | image
	text string
	url  string
}

// decodeMessages accepts the two body shapes seen in use:
//
//	[{"content": "text"}, ...]                       the SDK's (documented)
//	{"data": {"content": [block, ...]}}              live-verified (observed)
//
// where a block is "text", {"type":"text","text":…}, {"type":"image","url":…}
// or {"message":…}. Other shapes get the observed texts: a body that is
// neither an array nor a data wrapper is `Expected an array`, an object with
// keys besides content is `Expected keys 'content' only`.
func decodeMessages(body []byte) ([]message, error) {
	var raw any
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, errJSONDecode
	}
	switch v := raw.(type) {
	case []any:
		return contentObjects(v)
	case map[string]any:
		if data, ok := v["data"]; ok && len(v) == 1 {
			return dataBlocks(data)
		}
	}
	return nil, errExpectedArray
}

// contentObjects reads [{"content": "..."}, ...].
func contentObjects(list []any) ([]message, error) {
	out := make([]message, 0, len(list))
	for _, x := range list {
		content, err := onlyContent(x)
		if err != nil {
			return nil, err
		}
		s, ok := content.(string)
		if !ok {
			return nil, errExpectedString
		}
		out = append(out, message{kind: "text", text: s})
	}
	return out, nil
}

// dataBlocks reads the wrapper's {"content": [block, ...]}.
func dataBlocks(data any) ([]message, error) {
	content, err := onlyContent(data)
	if err != nil {
		return nil, err
	}
	blocks, ok := content.([]any)
	if !ok {
		return nil, errExpectedArray
	}
	out := make([]message, 0, len(blocks))
	for _, b := range blocks {
		m, err := block(b)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// onlyContent is the content of an object whose only key is content.
func onlyContent(x any) (any, error) {
	obj, ok := x.(map[string]any)
	content, has := obj["content"]
	if !ok || !has || len(obj) != 1 {
		return nil, errContentOnly
	}
	return content, nil
}

func block(b any) (message, error) {
	switch v := b.(type) {
	case string:
		return message{kind: "text", text: v}, nil
	case map[string]any:
		t, _ := v["type"].(string)
		txt, isText := v["text"].(string)
		url, isURL := v["url"].(string)
		msg, isMsg := v["message"].(string)
		switch {
		case t == "text" && isText:
			return message{kind: "text", text: txt}, nil
		case t == "image" && isURL:
			return message{kind: "image", url: url}, nil
		case t == "" && isMsg:
			return message{kind: "text", text: msg}, nil
		}
	}
	return message{}, errUnknownBlock
}

// sendMessages delivers the messages to the subscriber's messenger: each
// lands in the outbox, in order, delivered at once, or failed when the
// subscriber has unsubscribed.
func (p *Platform) sendMessages(r *platform.Request) (any, error) {
	msgs, err := decodeMessages(r.Body)
	if err != nil {
		return nil, err
	}
	return p.writeSubscriber(r, func(tx *store.Tx, s subscriber) error {
		acc, err := loadAccount(tx.QueryRow, r.TenantID())
		if err != nil {
			return err
		}
		for _, m := range msgs {
			payload, err := json.Marshal(map[string]string{"cuid": formatCUID(acc.Prefix, s.ID), "user_id": s.UserID, "channel_name": s.ChannelName, "url": m.url})
			if err != nil {
				return err
			}
			sent, err := tx.Enqueue(store.Message{
				TenantID: r.TenantID(), Platform: Name, Operation: r.Operation.ID,
				Recipient: strconv.FormatInt(s.ID, 10), Messenger: s.ChannelType,
				Kind: m.kind, Text: m.text, Payload: payload, CreatedAt: r.Now,
			})
			if err != nil {
				return err
			}
			if !s.Subscribed { // the messenger refuses it; the API still answers success (inferred)
				if err := tx.FailMessage(sent.ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
