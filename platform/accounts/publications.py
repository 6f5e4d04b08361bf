"""The one JSON shape of a provincial department's publication (Đ5.2, Đ15.2), beside its model
(`accounts.models.DepartmentPublication`) so that both the province's API and the district's orientation (plans, a lower
layer than province) answer it the same way."""


def publication_file_data(f) -> dict:
    """A `province.PublicationFile` (reached as `publication.files`): `{id, name, url}`, the url served to the readers
    of the publication (`files` kind `department-publications`)."""
    return {"id": f.pk, "name": f.file_name, "url": f.file.url}


def publication_data(p) -> dict:
    """`{id, department (code), department_name, plan_year, kind, kind_label, title, summary, url, published_at
    (datetime or None), files: [publication_file_data]}`; prefetch `files` and select `department` for lists."""
    return {"id": p.pk, "department": p.department.code, "department_name": p.department.name, "plan_year": p.plan_year,
            "kind": p.kind, "kind_label": p.get_kind_display(), "title": p.title, "summary": p.summary, "url": p.url,
            "published_at": p.published_at, "files": [publication_file_data(f) for f in p.files.all()]}
