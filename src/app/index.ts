import { createServerApp } from "./server-app.js";

/** `probot run ./dist/app/index.js` loads this default export. */
export default createServerApp(process.env);
