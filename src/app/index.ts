import { createLabgateApp } from "./create-app.js";

/** `probot run ./dist/app/index.js` loads this default export. */
export default createLabgateApp();
