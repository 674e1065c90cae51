<?php
// What the Laravel side of the tests shares (diff/router.php,
// validate/record.php): stock Laravel 8's Validator factory speaking the
// emulator's Russian message table.

require_once 'Illuminate/autoload.php';

use Illuminate\Translation\ArrayLoader;
use Illuminate\Translation\Translator;
use Illuminate\Validation\Factory;

// validatorFactory takes the message table as the emulator keeps it, flat
// ("max.string"); the translator reads it nested.
function validatorFactory(array $messages): Factory
{
    $lines = [];
    foreach ($messages as $key => $line) {
        $parts = explode('.', $key);
        if (count($parts) === 2) {
            $lines[$parts[0]][$parts[1]] = $line;
        } else {
            $lines[$key] = $line;
        }
    }
    $loader = new ArrayLoader();
    $loader->addMessages('ru', 'validation', $lines);
    return new Factory(new Translator($loader, 'ru'));
}
