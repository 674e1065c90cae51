<?php
// Records Laravel 8's answers for TestValidateGivesLaravelsRecordedAnswers:
//   php record.php messages.json cases.jsonl > answers.jsonl
// messages.json is laravel.Messages() as JSON; each line of cases.jsonl is
// [[[attribute, "rule|rule"], ...], input]. Each output line has the rules,
// the input and the Validator's errors as [attribute, [messages]] pairs.

require_once __DIR__ . '/../validator.php';

$factory = validatorFactory(json_decode(file_get_contents($argv[1]), true));

$flags = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION;
foreach (file($argv[2]) as $case) {
    [$pairs, $input] = json_decode($case, true);
    $rules = [];
    foreach ($pairs as [$attribute, $rule]) {
        $rules[$attribute] = $rule;
    }
    $errors = [];
    foreach ($factory->make($input, $rules)->errors()->messages() as $attribute => $messages) {
        $errors[] = [$attribute, $messages];
    }
    echo '{"rules":', json_encode($pairs, $flags),
        ',"input":', json_encode(json_decode($case)[1], $flags),
        ',"errors":', json_encode($errors, $flags), "}\n";
}
