<?php
// The reference side of the Laravel differential test (diff_test.go):
// served by `php -S`, it reads each request with stock Laravel 8 — the
// Request, the skeleton's TrimStrings and ConvertEmptyStringsToNull, the
// Validator with the emulator's Russian message table — and answers the
// validation result and the parsed input.
//
// POST|GET /{operationId}: the rules come from the JSON file named by
// LARAVEL_DIFF_CONFIG, written by the Go test from the spec's x-rules:
// {"rules": {"op": [["attribute", "rule|rule"], ...]}, "messages": {...}}.
// Answer: {"status": 422|200, "body": <the 422 body as the emulator renders
// it>, "input": <$request->all(), every value tagged with its PHP type>}.

require_once __DIR__ . '/../validator.php';

use Illuminate\Foundation\Http\Middleware\ConvertEmptyStringsToNull;
use Illuminate\Foundation\Http\Middleware\TrimStrings as BaseTrimStrings;
use Illuminate\Http\Request;
use Illuminate\Http\UploadedFile;

// The application's TrimStrings, as Laravel 8's skeleton ships it.
class TrimStrings extends BaseTrimStrings
{
    protected $except = ['current_password', 'password', 'password_confirmation'];
}

$config = json_decode(file_get_contents(getenv('LARAVEL_DIFF_CONFIG')), true);
$op = trim(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH), '/');
if (!isset($config['rules'][$op])) {
    http_response_code(404);
    echo json_encode(['error' => "unknown operation $op"]);
    return;
}
$rules = [];
foreach ($config['rules'][$op] as [$attribute, $rule]) {
    $rules[$attribute] = $rule;
}

$factory = validatorFactory($config['messages']);

$request = Request::capture();
$pass = function ($r) { return $r; };
(new TrimStrings())->handle($request, $pass);
(new ConvertEmptyStringsToNull())->handle($request, $pass);

function tagged($v)
{
    if (is_array($v)) {
        $out = [];
        foreach ($v as $k => $e) {
            $out[] = [is_int($k) ? ['i', (string) $k] : ['s', bin2hex($k)], tagged($e)];
        }
        return ['a', $out];
    }
    if ($v instanceof UploadedFile) {
        return ['f', bin2hex($v->getClientOriginalName()), $v->getSize(), $v->getError()];
    }
    if (is_null($v)) {
        return ['n'];
    }
    if (is_bool($v)) {
        return ['b', $v];
    }
    if (is_int($v)) {
        return ['i', (string) $v];
    }
    if (is_float($v)) {
        return ['d', bin2hex(pack('E', $v))];
    }
    return ['s', bin2hex($v)];
}

$all = $request->all();
$validator = $factory->make($all, $rules);
$answer = ['status' => 200, 'body' => null, 'input' => tagged($all)];
if ($validator->fails()) {
    $answer['status'] = 422;
    $answer['body'] = json_encode(
        ['message' => 'The given data was invalid.', 'errors' => $validator->errors()->messages()],
        JSON_UNESCAPED_UNICODE
    );
    if ($answer['body'] === false) {
        // JsonResponse throws on what json_encode refuses (invalid UTF-8 in
        // a key or message): the exception handler's 500.
        $answer['status'] = 500;
        $answer['body'] = '{"message":"Server Error"}';
    }
}
header('Content-Type: application/json');
echo json_encode($answer, JSON_INVALID_UTF8_SUBSTITUTE, 100000);
