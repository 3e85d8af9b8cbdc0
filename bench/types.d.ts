// autocannon ships no type declarations; bench/http/load.js uses it untyped.
declare module 'autocannon';
