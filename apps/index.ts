import { registerApps } from '../lib/model';
import { bookShop } from './book-shop';
import { echo } from './echo';
import { incidentAssistantBackend } from './incident-assistant-backend';
import { incidentAssistantFrontend } from './incident-assistant-frontend';

/** The app registry: every app the repository deploys. Add a file in apps/ and list it here. */
export const apps = registerApps(echo, bookShop, incidentAssistantBackend, incidentAssistantFrontend);
