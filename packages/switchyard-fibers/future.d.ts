import Future = require('switchyard/future');
export = Future;
