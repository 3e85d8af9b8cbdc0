// NODE_PATH shim for the vendored fibers suite: `require('fibers')` is switchyard/fibers (built in dist/).
module.exports = require('../../../dist/lib/fibers-compat/fibers.js');
