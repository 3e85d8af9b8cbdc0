// require('fibers') when this package is installed under the name `fibers`:
// switchyard's implementation of the fibers 5.x Fiber class.
'use strict';
module.exports = require('switchyard/fibers');
