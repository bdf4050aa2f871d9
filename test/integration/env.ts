/** Quiet the SDK's Node 20 end-of-support notice in test output (Lambda runs nodejs22.x). */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
