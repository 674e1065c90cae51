package php

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"strconv"
	"strings"
)

// ParseMultipart reads a multipart/form-data body as PHP's rfc1867 reader
// fills $_POST and $_FILES: fields past MaxInputVars are skipped, a part
// with neither a name nor a filename ends the reading, and so does a part
// past max_multipart_body_parts (by default MaxInputVars + MaxFileUploads);
// files past MaxFileUploads are dropped, a file part with an empty filename
// is UPLOAD_ERR_NO_FILE (nil, as Symfony's FileBag gives it to Laravel) and
// does not count as an upload, one over UploadMaxFilesize is
// UPLOAD_ERR_INI_SIZE, and a file whose name has unbalanced brackets is
// dropped with every file after it. What was read before a framing error
// is kept.
func ParseMultipart(body []byte, boundary string, lim Limits) (fields, files *Array) {
	fields, files = NewArray(), NewArray()
	if boundary == "" {
		return fields, files
	}
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	count, uploads, anonymous := 0, lim.MaxFileUploads, 0
	parts, maxParts := 0, lim.MaxInputVars+lim.MaxFileUploads
	skipFiles := false // a file name with unbalanced brackets stops all later uploads
	for {
		part, err := r.NextRawPart()
		if err != nil {
			return fields, files
		}
		if parts++; parts > maxParts {
			return fields, files // "Multipart body parts limit exceeded"
		}
		name, filename, hasName, hasFile := disposition(part.Header.Get("Content-Disposition"))
		switch {
		case !hasFile && hasName:
			value, err := io.ReadAll(part)
			if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
				return fields, files
			}
			if count++; count <= lim.MaxInputVars {
				Register(fields, name, string(value), lim)
			}
		case !hasFile && !hasName:
			return fields, files // "File Upload Mime headers garbled"
		default:
			size, err := io.Copy(io.Discard, part)
			if err != nil {
				return fields, files
			}
			if !skipFiles && hasName && !balancedBrackets(name) {
				skipFiles = true
			}
			if skipFiles || uploads <= 0 {
				continue
			}
			if filename != "" {
				uploads-- // PHP counts an upload when it opens its temporary file
			}
			if !hasName {
				name = strconv.Itoa(anonymous)
				anonymous++
			}
			var f any
			switch base := basename(filename); {
			case filename == "":
				f = nil // UPLOAD_ERR_NO_FILE: Symfony's FileBag gives null
			case size > lim.UploadMaxFilesize:
				f = &File{Name: base, Size: 0, Error: 1}
			default:
				f = &File{Name: base, Size: size} // "dir/" uploads a file named ""
			}
			// PHP registers a file as name[name][…] (then name[type][…], …):
			// one level more than the field's own.
			fileLim := lim
			fileLim.MaxInputNestingLevel--
			Register(files, name, f, fileLim)
		}
	}
}

// balancedBrackets is rfc1867's rule for file names ("never repair
// potential malicious user input"): brackets closed in order, and a "]"
// followed only by "[" or the end.
func balancedBrackets(name string) bool {
	depth := 0
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '[':
			depth++
		case ']':
			depth--
			if i+1 < len(name) && name[i+1] != '[' {
				return false
			}
		}
		if depth < 0 {
			return false
		}
	}
	return depth == 0
}

// disposition reads name= and filename= from a Content-Disposition header
// as PHP's php_ap_getword/getword_conf do: parameters split on ";" outside
// quotes, names matched without case, values in double or single quotes
// with backslash escapes, or bare up to white space.
func disposition(header string) (name, filename string, hasName, hasFile bool) {
	rest := strings.TrimLeft(header, " \t\r\n\v\f")
	for rest != "" {
		var pair string
		pair, rest = getword(rest, ';')
		rest = strings.TrimLeft(rest, " \t\r\n\v\f")
		if !strings.Contains(pair, "=") {
			continue
		}
		key, value := getword(pair, '=')
		switch {
		case strings.EqualFold(key, "name"):
			name, hasName = getwordConf(value), true
		case strings.EqualFold(key, "filename"):
			filename, hasFile = getwordConf(value), true
		}
	}
	if i := strings.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	return name, filename, hasName, hasFile
}

// getword is php_ap_getword: the text up to stop outside quotes, and the
// rest after any run of stop.
func getword(s string, stop byte) (word, rest string) {
	i := 0
	for i < len(s) && s[i] != stop {
		if q := s[i]; q == '"' || q == '\'' {
			i++
			for i < len(s) && s[i] != q {
				if s[i] == '\\' && i+1 < len(s) && s[i+1] == q {
					i += 2
				} else {
					i++
				}
			}
			if i < len(s) {
				i++
			}
		} else {
			i++
		}
	}
	word, rest = s[:i], s[i:]
	for rest != "" && rest[0] == stop {
		rest = rest[1:]
	}
	return word, rest
}

// getwordConf is php_ap_getword_conf: a quoted value up to its closing
// quote, or a bare one up to white space; a backslash escapes a backslash or
// the quote.
func getwordConf(s string) string {
	s = strings.TrimLeft(s, " \t\r\n\v\f")
	var quote byte
	if s != "" && (s[0] == '"' || s[0] == '\'') {
		quote, s = s[0], s[1:]
	} else if i := strings.IndexAny(s, " \t\r\n\v\f"); i >= 0 {
		s = s[:i]
	}
	var b strings.Builder
	for i := 0; i < len(s) && (quote == 0 || s[i] != quote); i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '\\' || (quote != 0 && s[i+1] == quote)) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// basename is php_ap_basename: what follows the last "/" or "\".
func basename(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}
