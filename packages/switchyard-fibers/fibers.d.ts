import Fiber = require('switchyard/fibers');
export = Fiber;
