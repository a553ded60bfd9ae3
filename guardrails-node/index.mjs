// ESM entry: the same objects as the CommonJS entry (one class identity for both).
import api from './index.js'

export const { Guard, Verdict, GuardrailsError, jsonLinesSink, RECOMMENDED_POLICY } = api
export default api
