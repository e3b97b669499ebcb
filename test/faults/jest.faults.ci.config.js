'use strict';
// `npm run test:faults:ci`: the same suite with every scenario trimmed (fewer sends, shorter outages,
// a 60 s soak, fewer fuzzed frames). Setting the variable here reaches the test workers, which are
// started after the configuration is read.
process.env.ROCKETMQ_FAULTS_PROFILE = process.env.ROCKETMQ_FAULTS_PROFILE || 'ci';
module.exports = require('./jest.faults.config.js');
