// require('fibers/future') when this package is installed under the name `fibers`:
// switchyard's implementation of the fibers 5.x Future class.
'use strict';
module.exports = require('switchyard/future');
