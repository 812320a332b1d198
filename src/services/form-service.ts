/** The official printable forms of a dossier, for a user who may read it (src/forms renders them). */
import type { EngineContext } from '../app/engine-factory';
import { clockCalendarVersion } from '../../machines/dossier/facts';
import { FORMS_WITH_PERSONAL_DATA, renderForm, type FormKind } from '../forms';
import type { AuthUser } from './auth-user';
import { peopleDirectory } from '../store/user-store';
import { DossierAccess } from './dossier-access';
import { logRecordView } from './record-views';

export class FormService {
  private readonly access: DossierAccess;

  constructor(private readonly ctx: EngineContext) {
    this.access = new DossierAccess(ctx.db);
  }

  /**
   * The form as an HTML page; 404 unknown dossier or a form that does not apply (yet), 403 out of scope.
   * A form that prints the applicant's ID or phone whole is logged as a record view (`form:<kind>`).
   */
  async render(user: AuthUser, code: string, form: FormKind, baseUrl: string): Promise<string> {
    const { snapshot } = await this.access.loadForUser(user, code);
    const context = snapshot.context;
    const history = await this.ctx.engine.history(code);
    const version = clockCalendarVersion(context);
    const calendar = version === null ? await this.ctx.calendars.latest() : await this.ctx.calendars.byVersion(version);
    const people = await peopleDirectory(this.ctx.db);
    const page = renderForm(form, { history, context, calendar, baseUrl, people });
    if (FORMS_WITH_PERSONAL_DATA.includes(form)) await logRecordView(this.ctx, user, code, `form:${form}`);
    return page;
  }
}
