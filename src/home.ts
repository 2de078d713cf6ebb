/**
 * Where depguard lives: the SARIF `informationUri` and the base of the rule docs' links. package.json's
 * `repository` and the README's snippets name the same repository (test/home.test.ts holds them to it).
 */
export const HOME_URL = 'https://github.com/depguard/depguard';
