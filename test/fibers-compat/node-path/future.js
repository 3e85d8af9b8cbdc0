// NODE_PATH shim for the vendored fibers suite: `require('future')` is switchyard/future (built in dist/).
module.exports = require('../../../dist/lib/fibers-compat/future.js');
